UNWIND $keys AS key
MATCH (:Identifier {key: key})-[:IDENTIFIES]->(c:Customer)
RETURN key, c.id AS customerId
