// A steward's keep-apart decision: each customer takes one side of the constraint (`apart`, which moves to a
// survivor with its other keys), so nothing joins them again; the KeepApart node keeps who and why for review screens.
UNWIND $keptApart AS row
MATCH (a:Customer {id: row.customerId}), (b:Customer {id: row.otherCustomerId})
CREATE (k:KeepApart {id: row.id, at: datetime($now), causeKind: row.causeKind, cause: row.cause, ruleVersion: $ruleVersion,
                     customerIds: [a.id, b.id]})
SET a.apart = coalesce(a.apart, []) + (row.id + ':0'),
    b.apart = coalesce(b.apart, []) + (row.id + ':1')
