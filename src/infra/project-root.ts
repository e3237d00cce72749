import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder holding package.json (the clone, or /app in the image), where cypher/, seeds/, schema.graphql and tools/
 * live. Found upwards from here rather than counted, so the same code runs from src/ (tests), dist/ (the product) and
 * dist-bench/src/ (the benchmarks' own build).
 */
export const projectRoot = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}: cannot locate the project's files`);
  }
})();
