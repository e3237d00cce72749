/** talisman ships no types; the one function used here. */
declare module 'talisman/phonetics/double-metaphone' {
  /** Primary and alternate Double Metaphone codes of a word. */
  function doubleMetaphone(word: string): [string, string];
  export = doubleMetaphone;
}
