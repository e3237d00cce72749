// The customer is a member of another segment (evaluated before this one in the same transaction).
MATCH (c:Customer)
RETURN EXISTS { MATCH (c)-[:IN_SEGMENT]->(:Segment {id: $segment}) } AS holds
