// Of these entries ([customerId, seq], each naming a customer), those their customer's log cannot find: the lookup
// node append-entries.cypher made for it was deleted or edited, so the customer's log and export would miss it.
UNWIND $entries AS x
WITH x[0] AS customerId, toInteger(x[1]) AS seq
WHERE NOT EXISTS {
  MATCH (e:AuditCustomerEntry {customerId: customerId, seq: seq})
  WHERE e.chain = $chain
}
RETURN seq
