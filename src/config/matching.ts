import { z } from 'zod';
import { section, variable } from './declare';
import { positiveInt } from './values';

export const matching = section(
  'Probabilistic matching',
  'Fellegi-Sunter matching of personal attributes, with the model `npm run match:train` estimates (none until then: resolution is deterministic only).',
  {
    mode: variable(
      'MATCH_MODE',
      z.enum(['OFF', 'SYNC']).default('SYNC'),
      '`SYNC`: items with personal attributes are matched inside their ingest transaction; `OFF`: not matched (the evidence log still keeps them for training)',
    ),
    modelRefreshSeconds: variable('MATCH_MODEL_REFRESH_SECONDS', positiveInt.default(30), 'how often an instance looks for a newer model'),
  },
);

export type MatchingSettings = z.infer<typeof matching.schema>;
