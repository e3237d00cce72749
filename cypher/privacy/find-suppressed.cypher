// Which of a batch's key hashes belong to erased people: one lookup per ingest batch. `legacy`: stored before record
// keys had their parts escaped (set by the migration that escaped them).
UNWIND $hashes AS hash
MATCH (s:Suppression {hash: hash})
RETURN s.hash AS hash, coalesce(s.legacyRecordKeys, false) AS legacy
