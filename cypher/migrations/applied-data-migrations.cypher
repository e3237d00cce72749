MATCH (m:DataMigration)
RETURN m.name AS name
