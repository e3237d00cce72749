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

/** Query text loaded once at start; asking for a name that has no file fails at once, not on first use. */
export class CypherRegistry {
  private readonly queries: Map<string, string>;
  private readonly names: Map<string, string>;

  constructor(root = cypherRoot) {
    this.queries = new Map(listCypherFiles(root).map((file) => [file.name, file.text]));
    this.names = new Map([...this.queries].map(([name, text]) => [text, name]));
  }

  /** The file name of a query text, for metrics; statements not from a file (migrations' DDL) are 'other'. */
  nameOf(text: string): string {
    return this.names.get(text) ?? 'other';
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
