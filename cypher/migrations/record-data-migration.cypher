// MERGE: two instances that ran the same migration at once record it once.
MERGE (m:DataMigration {name: $name})
ON CREATE SET m.appliedAt = datetime()
RETURN m.name AS name
