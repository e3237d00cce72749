// Behaviour facts of every profile of the person: counts per bucket, as stored.
UNWIND $profileIds AS id
MATCH (:Customer {id: id})-[:PERFORMED]->(b:Behaviour)
RETURN id AS profileId, b.event AS event, b.total AS total, b.lastAt AS lastAt, b.buckets AS buckets, b.counts AS counts
ORDER BY id, b.event
