/** With the u flag a surrogate pair is one code point, so the class matches only an unpaired half. */
const FORBIDDEN = /\u0000|[\ud800-\udfff]/u;

/**
 * Why a string cannot be kept and compared faithfully, or null. A lone surrogate reaches Neo4j as U+FFFD, so two
 * different values would be stored as one; a NUL is invisible, ends strings in C-based tools and is refused by many
 * databases a copy is loaded into.
 */
export function textFault(text: string): string | null {
  const found = FORBIDDEN.exec(text);
  if (!found) return null;
  if (found[0] === '\u0000') return 'contains a NUL character (U+0000)';
  return `contains a lone surrogate (U+${found[0].charCodeAt(0).toString(16).toUpperCase()}): send well-formed UTF-16`;
}
