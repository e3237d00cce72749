UNWIND $ids AS customerId
MATCH (c:Customer {id: customerId})
RETURN customerId, c.candidates AS candidates, c.goldenSources AS sources
