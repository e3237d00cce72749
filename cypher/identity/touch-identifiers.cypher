UNWIND $touches AS row
MATCH (:Identifier {key: row.key})-[r:IDENTIFIES]->(:Customer)
WITH r, datetime(row.firstSeen) AS first, datetime(row.lastSeen) AS last
SET r.firstSeen = CASE WHEN first < r.firstSeen THEN first ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN last > r.lastSeen THEN last ELSE r.lastSeen END
