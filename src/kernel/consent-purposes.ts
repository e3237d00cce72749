/** The purposes consent can be given for (CONSENT_PURPOSES); a statement for any other is refused, never guessed. */
export class ConsentPurposes {
  private readonly known: ReadonlySet<string>;

  constructor(readonly list: readonly string[]) {
    this.known = new Set(list);
  }

  has(purpose: string): boolean {
    return this.known.has(purpose);
  }
}

/** A category as senders write it ("Marketing Email") to the purpose it names (marketing_email). */
export const purposeOf = (category: string) =>
  category
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
