// The consent in force for a purpose, across the customer and the profiles merged into it, has a status. The order
// is the one of consent/current.cypher: newest by occurredAt, then the more restrictive, then the later recorded.
MATCH (c:Customer)
RETURN COLLECT {
  MATCH (c)<-[:MERGED_INTO*0..1]-(:Customer)-[:GAVE_CONSENT]->(k:Consent {purpose: $purpose})
  RETURN k.status AS status
  ORDER BY k.occurredAt DESC, CASE k.status WHEN 'WITHDRAWN' THEN 2 WHEN 'DENIED' THEN 1 ELSE 0 END DESC, k.recordedAt DESC, k.id DESC
  LIMIT 1
}[0] = $status AS holds
