UNWIND $letters AS row
MATCH (d:DeadLetter {id: row.id})
SET d.status = 'RESOLVED', d.resolvedCustomerId = row.customerId, d.updatedAt = datetime($now), d.attempts = d.attempts + 1
