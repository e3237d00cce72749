// Why each identifier is linked: the properties of its IDENTIFIES relationship.
UNWIND $keys AS key
MATCH (:Identifier {key: key})-[link:IDENTIFIES]->(:Customer)
RETURN key, properties(link) AS link
