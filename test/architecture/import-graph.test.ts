import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The import graph of src/, read by dependency-cruiser (type-only imports included: they tie folders as much as any).
 * Folders are the rooms: src/<folder>/..., and a file straight under src/ (app.ts, main.ts) is a room of its own.
 *
 * Ground floor: the shared words (kernel), configuration, infrastructure, the background-job runner, the unit of work
 * that runs every write (its consequences are registered from above), generic helpers
 * and observability. They import nothing above them, so a domain can use them without being tied back.
 */
const GROUND_FLOOR = new Set(['kernel', 'config', 'infra', 'jobs', 'writes', 'shared', 'observability']);

/**
 * Pairs of folders that still import each other, each with why. Shrink it; never grow it without a reason as good.
 * Written as 'a <-> b' with a before b alphabetically.
 */
const MUTUAL_PAIRS_ALLOWED: Record<string, string> = {
  'dead-letters <-> ingestion': 'ingestion records dead letters (the write path); replaying a dead letter ingests it again',
  'customers <-> policy': 'the per-customer purpose check reads the customer profile rows; customer resolvers call that check',
};

type Module = { source: string; dependencies: { resolved: string; module: string; couldNotResolve: boolean }[] };

const root = path.resolve(__dirname, '..', '..');

function readGraph(): Map<string, string[]> {
  const output = execFileSync(
    process.execPath,
    [
      // Its package exports no path to the command, so it is run from where npm installs it.
      path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'),
      'src',
      '--no-config',
      '--ts-config',
      'tsconfig.json',
      '--ts-pre-compilation-deps',
      '--exclude',
      '^node_modules',
      '--output-type',
      'json',
    ],
    { cwd: root, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
  );
  const modules = (JSON.parse(output) as { modules: Module[] }).modules.filter((m) => m.source.startsWith('src/'));
  const unresolved = modules.flatMap((m) =>
    m.dependencies.filter((d) => d.couldNotResolve && d.module.startsWith('.')).map((d) => `${m.source} -> ${d.module}`),
  );
  expect(unresolved).toEqual([]);
  return new Map(modules.map((m) => [m.source, m.dependencies.map((d) => d.resolved).filter((r) => r.startsWith('src/'))]));
}

const folderOf = (file: string) => {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1] : parts[1].replace(/\.[^.]+$/, '');
};

/** Strongly connected components of more than one file (Tarjan): each is an import cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!));
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe('the import graph of src/', () => {
  let graph: Map<string, string[]>;
  /** 'from -> to' between folders, with the file imports that make each. */
  const folderEdges = new Map<string, string[]>();

  beforeAll(() => {
    graph = readGraph();
    for (const [file, imports] of graph) {
      for (const imported of imports) {
        const [from, to] = [folderOf(file), folderOf(imported)];
        if (from === to) continue;
        const key = `${from} -> ${to}`;
        folderEdges.set(key, [...(folderEdges.get(key) ?? []), `${file} -> ${imported}`]);
      }
    }
  }, 120_000);

  it('is read whole', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.has('src/kernel/identifier-type.ts')).toBe(true);
  });

  it('has no import cycle between files', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('has the ground floor import no domain folder', () => {
    const upward = [...folderEdges].filter(([edge]) => {
      const [from, to] = edge.split(' -> ');
      return GROUND_FLOOR.has(from) && !GROUND_FLOOR.has(to);
    });
    expect(upward.flatMap(([, imports]) => imports)).toEqual([]);
  });

  it('has the kernel import nothing else of src/', () => {
    const out = [...folderEdges].filter(([edge]) => edge.startsWith('kernel -> '));
    expect(out.flatMap(([, imports]) => imports)).toEqual([]);
  });

  it('has no two folders import each other, except the pairs allowed above', () => {
    const mutual = new Set<string>();
    for (const edge of folderEdges.keys()) {
      const [from, to] = edge.split(' -> ');
      if (folderEdges.has(`${to} -> ${from}`)) mutual.add([from, to].sort().join(' <-> '));
    }
    const unexplained = [...mutual].filter((pair) => !(pair in MUTUAL_PAIRS_ALLOWED));
    const detail = unexplained.map((pair) => {
      const [a, b] = pair.split(' <-> ');
      return { pair, imports: [...folderEdges.get(`${a} -> ${b}`)!, ...folderEdges.get(`${b} -> ${a}`)!] };
    });
    expect(detail).toEqual([]);
  });

  it('allows no pair that no longer imports each other (the list only shrinks)', () => {
    const stale = Object.keys(MUTUAL_PAIRS_ALLOWED).filter((pair) => {
      const [a, b] = pair.split(' <-> ');
      return !(folderEdges.has(`${a} -> ${b}`) && folderEdges.has(`${b} -> ${a}`));
    });
    expect(stale).toEqual([]);
  });
});
