UNWIND $ids AS customerId
MATCH (:Customer {id: customerId})<-[:MERGED_INTO*0..1]-(:Customer)<-[:CONFLICT_ON|CONFLICTS_WITH]-(x:Conflict)
WITH DISTINCT customerId, x
MATCH (x)-[:CONFLICT_ON]->(on:Customer)
OPTIONAL MATCH (x)-[:CONFLICTS_WITH]->(with:Customer)
RETURN customerId, x {.*, customerId: coalesce(on.mergedInto, on.id), otherCustomerId: coalesce(with.mergedInto, with.id)} AS conflict
ORDER BY customerId, conflict.at, conflict.id
