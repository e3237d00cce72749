// Of these entries ([customerId, seq], each naming a customer), those their customer's log cannot find: the lookup
// node append-entries.cypher made for it was deleted or edited, so the customer's log and export would miss it.
UNWIND $entries AS x
OPTIONAL MATCH (e:AuditCustomerEntry {customerId: x[0], seq: toInteger(x[1])})
WHERE e.chain = $chain
WITH x, count(e) AS found
WHERE found = 0
RETURN toInteger(x[1]) AS seq
