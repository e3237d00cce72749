// How many TRACK events of a name the customer (and the profiles merged into it) performed, all time or within a
// window ending now, compared with a number. A bucket counts while any part of it lies inside the window.
MATCH (c:Customer)
RETURN [n IN [reduce(total = 0, b IN COLLECT {
    MATCH (c)<-[:MERGED_INTO*0..1]-(:Customer)-[:PERFORMED]->(b:Behaviour {event: $event}) RETURN b
  } | total + CASE WHEN $window IS NULL THEN b.total
    ELSE reduce(inWindow = 0, i IN range(0, size(b.buckets) - 1) |
      inWindow + CASE WHEN b.buckets[i] + $bucketMs > $now - $window THEN b.counts[i] ELSE 0 END) END)] |
  CASE $op WHEN 'gte' THEN n >= $count WHEN 'gt' THEN n > $count WHEN 'lte' THEN n <= $count WHEN 'lt' THEN n < $count ELSE n = $count END
][0] AS holds
