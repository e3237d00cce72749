// Consent statements of items that count no more (a record its source deleted): as if they had never been given.
UNWIND $ids AS id
MATCH (k:Consent {id: id})
DETACH DELETE k
