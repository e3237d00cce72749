/** Every string anywhere in a raw payload (parsed JSON or not): where identifiers of a rejected item may hide. */
export function payloadStrings(payload: unknown, into: string[] = []): string[] {
  if (typeof payload === 'string') into.push(payload);
  else if (Array.isArray(payload)) payload.forEach((v) => payloadStrings(v, into));
  else if (payload && typeof payload === 'object') Object.values(payload).forEach((v) => payloadStrings(v, into));
  return into;
}
