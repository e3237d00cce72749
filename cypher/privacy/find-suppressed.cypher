// Which of a batch's key hashes belong to erased people: one lookup per ingest batch.
UNWIND $hashes AS hash
MATCH (s:Suppression {hash: hash})
RETURN s.hash AS hash
