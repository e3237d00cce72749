import { unique } from './test-app';

/** An IdentityEventInput as the builders make it; a malformed event is best written out as it is. */
type Fields = {
  messageId?: string | null;
  userId?: string;
  anonymousId?: string;
  previousId?: string;
  event?: string;
  name?: string;
  traits?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  context?: Record<string, unknown>;
  timestamp?: string;
  source?: string;
};
export type EventInput = Fields & { type: string };

/**
 * A unique messageId, and a unique userId unless the event names its person itself (userId or anonymousId); nothing
 * else is added that the fields do not say, so a builder gives exactly the event a test would write out.
 */
const build = (type: string, defaults: Fields, fields: Fields): EventInput => ({
  messageId: unique('msg'),
  type,
  ...('userId' in fields || 'anonymousId' in fields ? {} : { userId: unique('user') }),
  ...defaults,
  ...fields,
});

export const identify = (fields: Fields = {}) => build('IDENTIFY', {}, fields);
/** A TRACK needs an event name: 'Test Event' unless given. */
export const track = (fields: Fields = {}) => build('TRACK', { event: 'Test Event' }, fields);
export const page = (fields: Fields = {}) => build('PAGE', {}, fields);
/** `previousId` becomes `userId`: both unique unless given. */
export const alias = (fields: Fields = {}) => build('ALIAS', { previousId: unique('previous') }, fields);
