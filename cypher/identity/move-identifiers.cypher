// An identifier or source record the evidence now gives to another customer of the component moves there with
// its link's properties (first and last seen, cause).
UNWIND $moves AS row
MATCH (c:Customer {id: row.customerId})
CALL (row, c) {
  MATCH (i:Identifier {key: row.key})-[r:IDENTIFIES]->(old:Customer)
  WHERE old <> c
  CREATE (i)-[moved:IDENTIFIES]->(c)
  SET moved = properties(r)
  DELETE r
  UNION
  MATCH (record:SourceRecord {key: row.key})-[r:DESCRIBES]->(old:Customer)
  WHERE old <> c
  CREATE (record)-[moved:DESCRIBES]->(c)
  SET moved = properties(r)
  DELETE r
}
SET c.updatedAt = datetime($now)
