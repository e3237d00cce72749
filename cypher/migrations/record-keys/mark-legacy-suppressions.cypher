// Suppressions stored before record keys were escaped may hash a record's old key: marked, a batch at a time, so the
// suppression filter keeps matching them against the old form of a record's key.
MATCH (s:Suppression)
WHERE s.legacyRecordKeys IS NULL
WITH s LIMIT toInteger($batch)
SET s.legacyRecordKeys = true
RETURN count(s) AS marked
