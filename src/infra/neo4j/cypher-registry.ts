import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../project-root';

export const cypherRoot = path.join(projectRoot, 'cypher');

export type CypherFile = { name: string; file: string; text: string };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? walk(full) : full.endsWith('.cypher') ? [full] : [];
  });
}

/** Every .cypher file under cypher/, named by its path without extension (e.g. `identity/lock-customers`). */
export function listCypherFiles(root = cypherRoot): CypherFile[] {
  return walk(root)
    .sort()
    .map((file) => ({
      name: path.relative(root, file).replace(/\\/g, '/').replace(/\.cypher$/, ''),
      file,
      text: readFileSync(file, 'utf8').trim(),
    }));
}

/** Names of built statements kept at most (each shape of segment definition in use has one). */
const MAX_DERIVED = 1_000;

/** Query text loaded once at start; asking for a name that has no file fails at once, not on first use. */
export class CypherRegistry {
  private readonly queries: Map<string, string>;
  private readonly names: Map<string, string>;
  private readonly derived = new Map<string, string>();

  constructor(root = cypherRoot) {
    this.queries = new Map(listCypherFiles(root).map((file) => [file.name, file.text]));
    this.names = new Map([...this.queries].map(([name, text]) => [text, name]));
  }

  /**
   * The file name of a query text, for metrics: statements built from a file's template are named by that file;
   * those from no file (migrations' DDL) are 'other'.
   */
  nameOf(text: string): string {
    return this.names.get(text) ?? this.derived.get(text) ?? 'other';
  }

  /** A statement built from the template in file `name` (segments/evaluate with a compiled rule) is named by it. */
  derivedFrom(name: string, text: string): void {
    this.get(name);
    if (this.derived.size >= MAX_DERIVED) this.derived.clear();
    this.derived.set(text, name);
  }

  get(name: string): string {
    const text = this.queries.get(name);
    if (text === undefined) throw new Error(`No Cypher file cypher/${name}.cypher (known: ${this.queries.size} files)`);
    return text;
  }

  /** Resolves a module's query names up front so a missing file fails at start. */
  bind<Names extends Record<string, string>>(names: Names): { [K in keyof Names]: string } {
    return Object.fromEntries(Object.entries(names).map(([key, name]) => [key, this.get(name)])) as {
      [K in keyof Names]: string;
    };
  }
}
