UNWIND $profiles AS row
MATCH (profile:Customer) WHERE elementId(profile) = row.id
SET profile.candidates = row.candidates, profile.attributeLineage = row.lineage
