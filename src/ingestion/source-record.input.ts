import { GraphQLJSON } from 'graphql-scalars';
import { Field, InputType } from 'type-graphql';

@InputType({ description: 'An identifier given as type and raw value; it is normalised before it resolves.' })
export class IdentifierInput {
  @Field({ description: 'An identifier type of this deployment (`identifierTypes` lists them); checked per record, so an unknown one rejects only its record (INVALID_IDENTIFIER_TYPE).' })
  type!: string;

  @Field()
  value!: string;
}

@InputType({ description: 'A consent statement carried by a record; checked per record, so a wrong one rejects only its record.' })
export class ConsentStatementInput {
  @Field({ description: 'One of consentPurposes; another rejects the record (UNKNOWN_CONSENT_PURPOSE).' })
  purpose!: string;

  @Field({ description: 'GRANTED, DENIED or WITHDRAWN (any case); another rejects the record (INVALID_FIELD).' })
  status!: string;

  @Field(() => String, { nullable: true, description: 'Defaults to the record updatedAt.' })
  occurredAt?: string | null;
}

@InputType({ description: 'A CRM, support or e-commerce record describing one customer.' })
export class SourceRecordInput {
  @Field(() => String, { nullable: true, description: 'The system it comes from, e.g. crm, support, ecommerce.' })
  source?: string | null;

  @Field(() => String, { nullable: true, description: 'Its id in that system; source + externalId identify the record.' })
  externalId?: string | null;

  @Field(() => String, { nullable: true, description: 'Required: when the record last changed (ISO-8601); orders versions.' })
  updatedAt?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Attributes; profile ones (firstName, email, address...) feed the golden record.' })
  attributes?: unknown;

  @Field(() => [IdentifierInput], { nullable: true })
  identifiers?: IdentifierInput[] | null;

  @Field(() => [ConsentStatementInput], { nullable: true })
  consents?: ConsentStatementInput[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'The source deleted the record (at updatedAt): it no longer describes its customer, who is re-resolved without any of its versions up to this one (identifiers only it brought, merges only it made, its attributes in the golden record); a later version brings it back. Outcome DETACHED; attributes, identifiers and consents are ignored.',
  })
  deleted?: boolean | null;
}
