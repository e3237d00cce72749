// A steward's keep-apart decision: each customer takes one side of the constraint (`apart`, which moves to a
// survivor with its other keys), so nothing joins them again; the KeepApart node keeps who and why for review screens.
UNWIND $keptApart AS row
MATCH (a:Customer {id: row.customerId}), (b:Customer {id: row.otherCustomerId})
CREATE (k:KeepApart {id: row.id, at: datetime($now), causeKind: row.causeKind, cause: row.cause, ruleVersion: $ruleVersion,
                     customerIds: [a.id, b.id]})
SET a.apart = coalesce(a.apart, []) + [mark IN [row.id + ':0'] WHERE NOT mark IN coalesce(a.apart, [])],
    b.apart = coalesce(b.apart, []) + [mark IN [row.id + ':1'] WHERE NOT mark IN coalesce(b.apart, [])]
