import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const buildConfig = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier);

/** What `npm run build` emits runs on a production install (`npm ci --omit=dev`): the Docker image, or a server. */
describe('the product (src/, what `npm run build` compiles)', () => {
  const files = sources(path.join(ROOT, 'src'));

  it('is all that the build compiles: the benchmarks build from their own entry', () => {
    expect(buildConfig.include).toEqual(['src']);
    expect(files.filter((file) => /bench/.test(path.relative(ROOT, file)))).toEqual([]);
  });

  it('loads only runtime dependencies, at start; development ones (testcontainers) only lazily, where a container is the fallback', () => {
    const eager: string[] = [];
    const lazy: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const where = path.relative(ROOT, file);
      for (const [, typeOnly, specifier] of text.matchAll(/^(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^'.][^']*)'/gm)) {
        if (!typeOnly && !isBuiltin(specifier) && !(packageOf(specifier) in pkg.dependencies)) eager.push(`${where}: ${specifier}`);
      }
      for (const [, specifier] of text.matchAll(/\bimport\('([^'.][^']*)'\)/g)) {
        if (!isBuiltin(specifier) && !(packageOf(specifier) in pkg.dependencies)) lazy.push(`${where}: ${specifier}`);
      }
    }
    expect(eager).toEqual([]);
    expect(lazy.sort()).toEqual([
      'src/infra/services/docker-engine.ts: testcontainers',
      'src/infra/services/neo4j-service.ts: @testcontainers/neo4j',
      'src/infra/services/redis-service.ts: @testcontainers/redis',
    ]);
    for (const name of ['testcontainers', '@testcontainers/neo4j', '@testcontainers/redis']) {
      expect(pkg.devDependencies).toHaveProperty([name]);
      expect(pkg.dependencies).not.toHaveProperty([name]);
    }
  });
});
