// The heartbeat of a run in progress: only its holder extends the lease, from the database's now.
MATCH (l:JobLease {job: $job})
WHERE l.holder = $holder
SET l.until = datetime() + duration({milliseconds: toInteger($leaseMs)})
RETURN l.holder AS holder
