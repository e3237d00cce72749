// bench:ingest's floor: the least a batch of first visits can write and still be the product (a customer, its
// identifier and link, the idempotency record), in one statement: no devices, behaviour, profile, consent or
// segments, no locks or reads. What the service path costs is read against it.
UNWIND $rows AS row
WITH row, datetime($now) AS at
CREATE (c:Customer {id: row.customerId, status: 'ACTIVE', createdAt: at, updatedAt: at, resolvedAt: at})
CREATE (i:Identifier {key: row.key, type: 'ANONYMOUS_ID', value: row.value, createdAt: at})
CREATE (i)-[:IDENTIFIES {firstSeen: at, lastSeen: at, linkedAt: at, source: 'bench', causeKind: 'EVENT', cause: row.messageId, ruleVersion: 1}]->(c)
CREATE (:Ingestion {key: row.ingestionKey, causeKind: 'EVENT', customerId: row.customerId, outcome: 'CREATED', receivedAt: at})
