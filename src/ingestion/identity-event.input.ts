import { GraphQLJSON } from 'graphql-scalars';
import { Field, InputType } from 'type-graphql';

/**
 * Loosely typed on purpose: every field is checked per event by the service, so one malformed event is
 * rejected alone instead of failing the whole batch at GraphQL validation.
 */
@InputType({ description: 'An identity event shaped after the Segment spec.' })
export class IdentityEventInput {
  @Field(() => String, { nullable: true, description: 'Unique per message; a message seen before is not applied again.' })
  messageId?: string | null;

  @Field(() => String, { nullable: true, description: 'IDENTIFY, TRACK, ALIAS, PAGE or SCREEN (any case).' })
  type?: string | null;

  @Field(() => String, { nullable: true })
  userId?: string | null;

  @Field(() => String, { nullable: true })
  anonymousId?: string | null;

  @Field(() => String, { nullable: true, description: 'ALIAS only: the id that userId replaces; resolved as an ANONYMOUS_ID.' })
  previousId?: string | null;

  @Field(() => String, { nullable: true, description: 'TRACK only: the event name, e.g. "Order Completed".' })
  event?: string | null;

  @Field(() => String, { nullable: true, description: 'PAGE and SCREEN: the page or screen name.' })
  name?: string | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Traits: email, phone, firstName, lastName, name, birthday, gender, company, address {street, city, postalCode, state, country}, crmId.',
  })
  traits?: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'TRACK properties.' })
  properties?: unknown;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'Context: device {id, type, model, manufacturer}, os {name}, locale (e.g. de-DE: its region reads phone numbers without a country code when traits give no address country), traits, consent {categoryPreferences}.',
  })
  context?: unknown;

  @Field(() => String, { nullable: true, description: 'When it happened, ISO-8601 with a zone; defaults to receipt time.' })
  timestamp?: string | null;

  @Field(() => String, { nullable: true, description: 'Where it came from (web, mobile, ...); ranks attributes by SOURCE_PRIORITY.' })
  source?: string | null;
}
