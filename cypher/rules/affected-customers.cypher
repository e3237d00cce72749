// The active customers after a cursor that a rule change can concern, a scanned page at a time: `last` is the
// last id scanned (the next cursor; null once none is left) even when none of the page is concerned. Each kind of
// change concerns only customers holding what it acts on: a changed limit, those holding more values of that type
// than the lower limit or refused one; a changed priority, those with a refusal; device sharing, those using a
// device; the model or its thresholds, those matched on personal attributes; an added blocked pattern, those
// holding a value it matches; a rollback, those activations rewrote since the version it returns to was in force.
// `full`: every customer. Customers created after the walk started (ids above `upTo`) are left out.
MATCH (c:Customer)
WHERE c.id > $after AND c.id <= $upTo AND c.status = 'ACTIVE'
WITH c
ORDER BY c.id
LIMIT toInteger($scan)
WITH collect(c) AS page
RETURN [c IN page WHERE $full
   OR any(t IN $limitTypes WHERE
        COUNT { (c)<-[:IDENTIFIES]-(:Identifier {type: t.type}) } >= t.min
        OR EXISTS { (c)<-[:MERGED_INTO*0..1]-(:Customer)<-[:CONFLICT_ON]-(:Conflict {identifierType: t.type}) })
   OR ($anyConflict AND EXISTS { (c)<-[:MERGED_INTO*0..1]-(:Customer)<-[:CONFLICT_ON]-(:Conflict) })
   OR ($devices AND EXISTS { (c)<-[:MERGED_INTO*0..1]-(:Customer)<-[:USED_BY]-(:Device) })
   OR ($matching AND (EXISTS { (c)<-[:BLOCKS]-(:MatchKey) } OR EXISTS { (c)<-[:MERGED_INTO*0..1]-(:Customer)<-[:CANDIDATE]-(:MatchCandidate) }))
   OR (size($blocked) > 0 AND EXISTS { (c)<-[:IDENTIFIES]-(i:Identifier) WHERE any(p IN $blocked WHERE i.value =~ p) })
   OR ($rewrittenSince IS NOT NULL AND EXISTS { (c)<-[:MERGED_INTO*0..1]-(:Customer)<-[:REWROTE]-(a:RuleActivation) WHERE a.at.epochMillis >= $rewrittenSince })
   | c.id] AS ids,
   page[-1].id AS last
