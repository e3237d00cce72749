import { execSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** `npm start` and every command build first; a build of unchanged sources must cost about nothing (issue 10, item 13). */
describe('the build', () => {
  it('writes nothing when no source changed (dist/ is current after the test setup)', () => {
    const before = statSync(path.join(ROOT, 'dist/main.js')).mtimeMs;
    execSync(scripts.build, { cwd: ROOT, env: { ...process.env, PATH: `${path.join(ROOT, 'node_modules/.bin')}${path.delimiter}${process.env.PATH}` } });
    expect(statSync(path.join(ROOT, 'dist/main.js')).mtimeMs).toBe(before);
  });

  it('is what every script that builds runs', () => {
    const building = Object.entries(scripts).filter(([name, script]) => name !== 'typecheck' && /\btsc\b|npm run -s build/.test(script));
    expect(building.length).toBeGreaterThan(5);
    for (const [name, script] of building) expect({ name, script }).toEqual({ name, script: expect.stringContaining('tsc -b tsconfig.build.json') });
  });
});
