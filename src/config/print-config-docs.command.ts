import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { configDocsFile, printConfigDocs } from './config-docs';

mkdirSync(path.dirname(configDocsFile), { recursive: true });
writeFileSync(configDocsFile, printConfigDocs());
console.log(`Wrote ${configDocsFile}`);
