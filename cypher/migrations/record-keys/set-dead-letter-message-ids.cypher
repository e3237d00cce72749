UNWIND $letters AS row
MATCH (d:DeadLetter {id: row.id})
SET d.messageId = row.messageId
