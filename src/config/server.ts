import { z } from 'zod';
import { section, variable } from './declare';
import { booleanFlag } from './values';

export const server = section('Server', 'Where the API listens, what it logs, and how strict it is.', {
  env: variable(
    'NODE_ENV',
    z.enum(['development', 'production', 'test']).default('development'),
    '`production` turns off introspection, stack traces and error messages that name the schema, requires `SUPPRESSION_SALT` and `AUDIT_HMAC_KEY`, and refuses `AUTH_DEV_MODE`',
  ),
  http: {
    host: variable('HOST', z.string().default('127.0.0.1'), 'address the API listens on'),
    port: variable('PORT', z.coerce.number().int().min(0).max(65535).default(4000), 'port the API listens on'),
  },
  logLevel: variable(
    'LOG_LEVEL',
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    'pino level (`silent` … `trace`); logs are JSON, identifier values redacted',
  ),
  seedOnStart: variable('SEED_ON_START', booleanFlag.default('true'), 'load the demo data when the database has no customer'),
});

export type ServerSettings = z.infer<typeof server.schema>;
