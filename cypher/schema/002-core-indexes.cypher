CREATE INDEX customer_status_created IF NOT EXISTS FOR (c:Customer) ON (c.status, c.createdAt);
CREATE INDEX identifier_type IF NOT EXISTS FOR (i:Identifier) ON (i.type);
CREATE INDEX dead_letter_created IF NOT EXISTS FOR (d:DeadLetter) ON (d.createdAt);
CREATE INDEX consent_purpose IF NOT EXISTS FOR (x:Consent) ON (x.purpose);
