import { z } from 'zod';
import { section, variable } from './declare';
import { booleanFlag } from './values';

export const auth = section(
  'Authentication',
  'Bearer tokens (JWT). Outside dev mode the API needs `AUTH_JWT_SECRET` or `AUTH_JWKS_URL` (one, not both) to start.',
  {
    devMode: variable(
      'AUTH_DEV_MODE',
      booleanFlag.default('false'),
      'sign and accept tokens with a local secret, print dev tokens (`npm start` sets `true`); refused in production',
    ),
    secret: variable(
      'AUTH_JWT_SECRET',
      z.string().min(32, 'at least 32 characters (HS256 needs a 256-bit secret)').optional(),
      'HS256 secret; required unless `AUTH_JWKS_URL` or dev mode',
    ),
    jwksUrl: variable('AUTH_JWKS_URL', z.string().url().optional(), "your identity provider's JWKS; tokens signed with RS/PS/ES/EdDSA keys"),
    issuer: variable('AUTH_ISSUER', z.string().default('customer360'), 'required `iss` of tokens'),
    audience: variable('AUTH_AUDIENCE', z.string().default('customer360-api'), 'required `aud` of tokens'),
    devSecretFile: variable('AUTH_DEV_SECRET_FILE', z.string().default('.data/dev-jwt-secret'), 'where dev mode keeps its secret'),
  },
);

export type AuthSettings = z.infer<typeof auth.schema>;
