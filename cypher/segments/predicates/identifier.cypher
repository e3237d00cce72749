// The customer holds at least one identifier of a type.
MATCH (c:Customer)
RETURN EXISTS { MATCH (c)<-[:IDENTIFIES]-(:Identifier {type: $identifierType}) } AS holds
