UNWIND $ids AS customerId
MATCH (:Customer {id: customerId})<-[link:IDENTIFIES]-(i:Identifier)
RETURN customerId, i.type AS type, i.value AS value, link {.*} AS link
ORDER BY customerId, type, value
