// When time alone may change a comparison of the last-seen moment with one relative to now.
MATCH (c:Customer)
RETURN [t IN [CASE WHEN $event IS NULL
    THEN reduce(latest = null, seen IN COLLECT { MATCH (c)<-[:MERGED_INTO*0..1]-(p:Customer) RETURN p.lastSeenMs AS seen } | CASE WHEN latest IS NULL OR seen > latest THEN seen ELSE latest END)
    ELSE reduce(latest = null, seen IN COLLECT { MATCH (c)<-[:MERGED_INTO*0..1]-(:Customer)-[:PERFORMED]->(b:Behaviour {event: $event}) RETURN b.lastAt AS seen } | CASE WHEN latest IS NULL OR seen > latest THEN seen ELSE latest END)
  END] WHERE t IS NOT NULL | t + $ago] AS instants
