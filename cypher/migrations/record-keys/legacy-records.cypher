// Records still under their unescaped key whose escaped key differs (a ':' or '%' in a part). The unescaped key is
// the parts joined as they are: what the key was before.
MATCH (r:SourceRecord)
WHERE (r.source CONTAINS ':' OR r.source CONTAINS '%' OR r.externalId CONTAINS ':' OR r.externalId CONTAINS '%')
  AND r.key = 'RECORD:' + r.source + ':' + r.externalId
RETURN elementId(r) AS id, r.key AS key, r.source AS source, r.externalId AS externalId
LIMIT toInteger($batch)
