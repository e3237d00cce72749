// Who decided what, when and why: the audit of a steward's decision (the merge or constraint it made names its id).
CREATE (:StewardDecision {
  id: $id,
  kind: $kind,
  at: datetime($now),
  actor: $actor,
  note: $note,
  customerIds: $customerIds,
  customerId: $customerId,
  matchCandidateId: $matchCandidateId
})
