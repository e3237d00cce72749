// One row per entry, positional, in the order AuditRepository.append lays them out: the property names are not
// sent again for every entry (packing them was most of a flush's time on the API's event loop).
UNWIND $entries AS e
CREATE (:AuditEntry {
  chain: $chain, seq: toInteger(e[0]), prevHash: e[1], hash: e[2], at: datetime({epochMillis: toInteger(e[3])}), subject: e[4],
  roles: e[5], fields: e[6], customerId: e[7], purpose: e[8], decision: e[9], reason: e[10], requestId: e[11],
  channel: e[12]
})
