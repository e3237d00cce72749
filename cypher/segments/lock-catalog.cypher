// Segment definitions change one at a time: the cycle and reader checks read every segment, so a create, update
// or delete first takes this lock (two concurrent updates could otherwise close a cycle between them).
MERGE (k:SegmentCatalog {id: 'segments'})
SET k.lockedAt = datetime()
