UNWIND $customers AS row
WITH row, datetime(row.createdAt) AS at
CREATE (:Customer {id: row.id, status: 'ACTIVE', createdAt: at, updatedAt: at, resolvedAt: at})
