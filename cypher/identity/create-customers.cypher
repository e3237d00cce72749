UNWIND $customers AS row
CREATE (:Customer {
  id: row.id,
  status: 'ACTIVE',
  createdAt: datetime(row.createdAt),
  updatedAt: datetime(row.createdAt),
  resolvedAt: datetime(row.createdAt)
})
