// Consent statements an item brought, moved to the customer the item now ends on: consent in force follows.
UNWIND $moves AS row
MATCH (from:Customer {id: row.fromId})-[g:GAVE_CONSENT]->(k:Consent {id: row.consentId}), (to:Customer {id: row.toId})
CREATE (to)-[:GAVE_CONSENT]->(k)
DELETE g
