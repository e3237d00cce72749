MATCH ()-[r:RECHECK]->(s:Segment)
WHERE r.at IS NOT NULL AND s.deletedAt IS NULL
RETURN r.at AS at
ORDER BY r.at
LIMIT 1
