// Takes a job's lease unless another holder's is still running. Leases run on the database's clock, the one clock
// every instance shares (an instance's own may be skewed, or injected by tests). The SET before the check takes the
// node's write lock, so of two instances taking it at once the second sees the first's lease.
MERGE (l:JobLease {job: $job})
SET l.lockedBy = $holder
REMOVE l.lockedBy
WITH l
WHERE l.holder IS NULL OR l.holder = $holder OR l.until < datetime()
SET l.tookOverFrom = CASE WHEN l.holder IS NOT NULL AND l.holder <> $holder THEN l.holder ELSE null END,
    l.holder = $holder, l.takenAt = datetime(),
    l.until = datetime() + duration({milliseconds: toInteger($leaseMs)})
RETURN l.holder AS holder, l.tookOverFrom AS tookOverFrom
