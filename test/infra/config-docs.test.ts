import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { configSections } from '../../src/config/config';
import { configDocsFile, printConfigDocs } from '../../src/config/config-docs';

describe('docs/configuration.md', () => {
  it('matches the variables the code declares (run `npm run docs:config` after changing one)', () => {
    expect(readFileSync(configDocsFile, 'utf8')).toBe(printConfigDocs());
  });

  it('describes every variable', () => {
    const undescribed = Object.values(configSections).flatMap((section) =>
      Object.entries(section.variables.shape as z.ZodRawShape)
        .filter(([, schema]) => !schema.description)
        .map(([name]) => name),
    );
    expect(undescribed).toEqual([]);
  });
});
