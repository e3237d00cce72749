import { z } from 'zod';
import { section, variable } from './declare';
import { csv } from './values';

/** Lower-case words joined by underscores, as ingestion derives them from category names. */
const consentPurposes = z
  .string()
  .default('analytics,personalization,marketing_email,marketing_sms,data_sale')
  .transform((value, ctx) => {
    const purposes = csv(value).map((purpose) => purpose.toLowerCase());
    const malformed = purposes.filter((purpose) => !/^[a-z0-9]+(_[a-z0-9]+)*$/.test(purpose));
    if (malformed.length > 0) ctx.addIssue({ code: 'custom', message: `purposes must look like marketing_email: ${malformed.join(', ')}` });
    if (purposes.length === 0) ctx.addIssue({ code: 'custom', message: 'at least one purpose is needed' });
    return [...new Set(purposes)];
  });

export const consent = section('Consent', 'What consent can be given for.', {
  purposes: variable('CONSENT_PURPOSES', consentPurposes, 'purposes consent can be given for, comma-separated, each like `marketing_email`'),
});

export type ConsentSettings = z.infer<typeof consent.schema>;
