// Device ids this batch just linked whose device is shared. A batch that read a device as neither owned nor shared
// can race one that shares it: its CREATE waits on the identifier's unique key until the other commits (having
// deleted the identifier), then succeeds. Read after that wait, the share is visible: the caller retries.
UNWIND $ids AS id
MATCH (d:Device {id: id})
WHERE d.sharedAt IS NOT NULL
RETURN count(d) AS shared
