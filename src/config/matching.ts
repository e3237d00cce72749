import { z } from 'zod';
import { section, variable } from './declare';
import { intBetween, positiveInt } from './values';

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
    rulesRefreshSeconds: variable(
      'MATCH_RULES_REFRESH_SECONDS',
      intBetween(0, 3600).default(5),
      'how often an instance reads which match rules version is in force (0: at start and after its own activations only); an activation waits this long before re-resolving, so every instance resolves with the new rules first',
    ),
    reresolutionPageSize: variable(
      'RERESOLUTION_PAGE_SIZE',
      intBetween(1, 10_000).default(1_000),
      'customers a rule change\'s shadow evaluation or re-resolution scans between two saves of its progress (it visits those the change concerns)',
    ),
    reresolutionPauseMs: variable(
      'RERESOLUTION_PAUSE_MS',
      intBetween(0, 60_000).default(20),
      'the budget of a rule change\'s shadow evaluation and re-resolution: the pause after each component visited, which leaves the database to the live traffic',
    ),
  },
);

export type MatchingSettings = z.infer<typeof matching.schema>;
