import { registerEnumType } from 'type-graphql';

export const CONSENT_STATUSES = ['GRANTED', 'DENIED', 'WITHDRAWN'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

export const isConsentStatus = (value: unknown): value is ConsentStatus => (CONSENT_STATUSES as readonly unknown[]).includes(value);

export enum ConsentStatusEnum {
  GRANTED = 'GRANTED',
  DENIED = 'DENIED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(ConsentStatusEnum, {
  name: 'ConsentStatus',
  description:
    'What a person said about a purpose. When two statements occurred at the same instant, the more restrictive wins: WITHDRAWN, then DENIED, then GRANTED.',
  valuesConfig: {
    DENIED: { description: 'Refused (or never given).' },
    WITHDRAWN: { description: 'Given earlier, then taken back.' },
  },
});
