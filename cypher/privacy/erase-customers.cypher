// Last: until here the profiles are what every earlier step, and a resumed run, finds the person's data by.
MATCH (c:Customer)
WHERE c.id IN $profileIds
WITH c LIMIT toInteger($limit)
DETACH DELETE c
RETURN count(*) AS removed
