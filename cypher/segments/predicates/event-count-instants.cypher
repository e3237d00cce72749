// When time alone may change an event count within a window: each bucket's moment of leaving it.
MATCH (c:Customer)
RETURN COLLECT {
  MATCH (c)<-[:MERGED_INTO*0..1]-(:Customer)-[:PERFORMED]->(b:Behaviour {event: $event})
  UNWIND b.buckets AS bucket
  RETURN bucket + $bucketMs + $window AS instant
} AS instants
