// A steward's keep-apart decision: each customer takes one side of the constraint (its mark in `apart`, which moves
// to a survivor with its other keys; see src/identity/keep-apart.ts), so nothing joins them again; the KeepApart
// node keeps which decision made it.
UNWIND $keptApart AS row
MATCH (a:Customer {id: row.customerId}), (b:Customer {id: row.otherCustomerId})
CREATE (k:KeepApart {id: row.id, at: datetime($now), causeKind: row.causeKind, cause: row.cause, ruleVersion: $ruleVersion,
                     customerIds: [a.id, b.id]})
SET a.apart = coalesce(a.apart, []) + [mark IN [row.mark] WHERE NOT mark IN coalesce(a.apart, [])],
    b.apart = coalesce(b.apart, []) + [mark IN [row.otherMark] WHERE NOT mark IN coalesce(b.apart, [])]
