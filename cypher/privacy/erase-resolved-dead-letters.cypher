// Dead letters resubmitted into the person: their payload is the person's data.
MATCH (d:DeadLetter)
WHERE d.resolvedCustomerId IN $profileIds
WITH d LIMIT toInteger($limit)
DELETE d
RETURN count(*) AS removed
