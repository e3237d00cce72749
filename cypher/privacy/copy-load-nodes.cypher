// Labels come from the copy file, never from a request: dynamic labels keep the statement static.
UNWIND $nodes AS row
CREATE (n:$(row.labels))
SET n = row.properties
RETURN row.ref AS ref, elementId(n) AS id
