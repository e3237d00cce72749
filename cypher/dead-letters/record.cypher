// One dead letter per message: a message rejected again updates its letter instead of adding another.
UNWIND $letters AS row
MERGE (d:DeadLetter {id: row.id})
ON CREATE SET d.createdAt = datetime($now),
              d.sortKey = right('000000000000000' + toString(datetime($now).epochMillis), 15) + '|' + row.id,
              d.attempts = 0,
              d.kind = row.kind
SET d.messageId = row.messageId,
    d.source = row.source,
    d.code = row.code,
    d.message = row.message,
    d.payload = row.payload,
    d.status = 'OPEN',
    d.attempts = d.attempts + 1,
    d.updatedAt = datetime($now)
