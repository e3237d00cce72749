UNWIND $ids AS customerId
MATCH (:Customer {id: customerId})<-[:DESCRIBES]-(r:SourceRecord)
RETURN customerId, r {.source, .externalId, .attributes, .updatedAt, .receivedAt, .createdAt} AS record
ORDER BY customerId, record.source, record.externalId
