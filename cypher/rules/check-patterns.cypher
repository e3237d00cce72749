// Compiles a blocked pattern as Neo4j will read it (an error if it cannot).
RETURN '' =~ $pattern AS matches
