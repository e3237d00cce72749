// When the customer (or a profile merged into it) was last seen, by any event or by TRACK events of one name,
// compared with a moment: a fixed one ($at) or one relative to now ($ago). At the moment itself it is already
// 'before' and no longer 'after', so both change exactly at the instant last-seen-instants names.
MATCH (c:Customer)
RETURN [t IN [CASE WHEN $event IS NULL
    THEN reduce(latest = null, seen IN COLLECT { MATCH (c)<-[:MERGED_INTO*0..1]-(p:Customer) RETURN p.lastSeenMs AS seen } | CASE WHEN latest IS NULL OR seen > latest THEN seen ELSE latest END)
    ELSE reduce(latest = null, seen IN COLLECT { MATCH (c)<-[:MERGED_INTO*0..1]-(:Customer)-[:PERFORMED]->(b:Behaviour {event: $event}) RETURN b.lastAt AS seen } | CASE WHEN latest IS NULL OR seen > latest THEN seen ELSE latest END)
  END] |
  CASE $op WHEN 'before' THEN t <= coalesce($at, $now - $ago) ELSE t > coalesce($at, $now - $ago) END
][0] AS holds
