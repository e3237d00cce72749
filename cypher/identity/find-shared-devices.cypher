// Devices found shared (seen with two known people): their ids are usage only and link no one.
UNWIND $ids AS id
MATCH (d:Device {id: id})
WHERE d.sharedAt IS NOT NULL
RETURN d.id AS id
