// Items applied from now on keep their evidence; a profile with items from before cannot be rebuilt exactly.
MERGE (log:EvidenceLog)
ON CREATE SET log.startedAt = datetime()
RETURN log.startedAt AS startedAt
