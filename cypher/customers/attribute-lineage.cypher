UNWIND $ids AS customerId
MATCH (c:Customer {id: customerId})
RETURN customerId, c.attributeLineage AS lineage
