UNWIND $ids AS id
MATCH (e:AuditEntry)
WHERE elementId(e) = id
DELETE e
