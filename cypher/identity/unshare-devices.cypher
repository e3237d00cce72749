// Devices a re-resolution finds used by one person only: no longer shared (a merge undone can leave a device that
// was found shared only because the two were one).
UNWIND $ids AS id
MATCH (d:Device {id: id})
WHERE d.sharedAt IS NOT NULL
REMOVE d.sharedAt
