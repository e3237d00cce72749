// A run that ended gives its lease back, so the next tick of any instance may take it at once.
MATCH (l:JobLease {job: $job})
WHERE l.holder = $holder
SET l.holder = null, l.until = null, l.releasedAt = datetime()
RETURN l.job AS job
