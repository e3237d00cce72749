// Counts add up over attempts: a resumed run counts only what it removed itself. Each batch renews the lease.
MATCH (r:ErasureRequest {id: $id})
SET r.leaseUntil = datetime() + duration({seconds: toInteger($leaseSeconds)}),
    r.customers = coalesce(r.customers, 0) + coalesce($counts.customers, 0),
    r.identifiers = coalesce(r.identifiers, 0) + coalesce($counts.identifiers, 0),
    r.devices = coalesce(r.devices, 0) + coalesce($counts.devices, 0),
    r.deviceLinks = coalesce(r.deviceLinks, 0) + coalesce($counts.deviceLinks, 0),
    r.sourceRecords = coalesce(r.sourceRecords, 0) + coalesce($counts.sourceRecords, 0),
    r.consents = coalesce(r.consents, 0) + coalesce($counts.consents, 0),
    r.merges = coalesce(r.merges, 0) + coalesce($counts.merges, 0),
    r.conflicts = coalesce(r.conflicts, 0) + coalesce($counts.conflicts, 0),
    r.conflictsRedacted = coalesce(r.conflictsRedacted, 0) + coalesce($counts.conflictsRedacted, 0),
    r.ingestions = coalesce(r.ingestions, 0) + coalesce($counts.ingestions, 0),
    r.deadLetters = coalesce(r.deadLetters, 0) + coalesce($counts.deadLetters, 0),
    r.segmentMemberships = coalesce(r.segmentMemberships, 0) + coalesce($counts.segmentMemberships, 0),
    r.behaviour = coalesce(r.behaviour, 0) + coalesce($counts.behaviour, 0),
    r.cacheKeys = coalesce(r.cacheKeys, 0) + coalesce($counts.cacheKeys, 0),
    r.suppressions = coalesce(r.suppressions, 0) + coalesce($counts.suppressions, 0)
