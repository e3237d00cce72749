// Segments and what evaluating them needs: a segment by id; behaviour facts per customer and event name; the
// earliest instant at which time alone may change a membership (the window scheduler wakes on the smallest).
CREATE CONSTRAINT segment_id IF NOT EXISTS FOR (s:Segment) REQUIRE s.id IS UNIQUE;
CREATE INDEX segment_name IF NOT EXISTS FOR (s:Segment) ON (s.name);
CREATE INDEX behaviour_event IF NOT EXISTS FOR (b:Behaviour) ON (b.event);
CREATE INDEX recheck_at IF NOT EXISTS FOR ()-[r:RECHECK]-() ON (r.at);
CREATE INDEX in_segment_since IF NOT EXISTS FOR ()-[m:IN_SEGMENT]-() ON (m.since);
