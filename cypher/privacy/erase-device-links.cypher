// A device another customer still uses (a shared tablet) stays for them; only this person's use of it goes.
MATCH (d:Device)-[u:USED_BY]->(c:Customer)
WHERE c.id IN $profileIds
WITH d, u LIMIT toInteger($limit)
DELETE u
WITH collect(DISTINCT d) AS devices, count(*) AS unlinked
CALL (devices) {
  UNWIND devices AS d
  WITH d WHERE NOT EXISTS { (d)-[:USED_BY]->() }
  DETACH DELETE d
  RETURN count(*) AS devicesRemoved
}
RETURN unlinked, devicesRemoved
