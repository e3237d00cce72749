import { parse, type FragmentDefinitionNode, type OperationDefinitionNode, type FieldNode } from 'graphql';
import { as } from '../support/test-app';
import { CUSTOMER_PROPERTIES, FULL_SELECTION, profileSelectionFor, selectionKey } from '../../src/customers/profile-selection';

/** The info a root field's resolver gets, for the first root field of `document`. */
function infoFor(document: string) {
  const parsed = parse(document);
  const operation = parsed.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const fragments = Object.fromEntries(
    parsed.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((d) => [d.name.value, d]),
  );
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments };
}

describe('profileSelectionFor', () => {
  const reader = as('service');

  it('asks for the selected properties, id first, and only the relations selected', () => {
    expect(profileSelectionFor(infoFor('{ customer(id: "x") { email firstName } }'), reader)).toEqual({
      customer: ['id', 'firstName', 'email'],
      identifiers: false,
      devices: false,
      consents: false,
      consentDetails: false,
    });
    expect(profileSelectionFor(infoFor('{ customer(id: "x") { id identifiers { type value } devices { id } consents { purpose status } } }'), reader))
      .toEqual({ customer: ['id'], identifiers: true, devices: true, consents: true, consentDetails: false });
  });

  it('looks through named and inline fragments', () => {
    const info = infoFor(`
      query { customerByIdentifier(type: EMAIL, value: "a@b.c") { ...Names ... on Customer { devices { id } } } }
      fragment Names on Customer { lastName createdAt identifiers { ...Id } }
      fragment Id on LinkedIdentifier { value }
    `);
    expect(profileSelectionFor(info, reader)).toMatchObject({ customer: ['id', 'createdAt', 'lastName'], identifiers: true, devices: true, consents: false });
  });

  it('reads consent provenance when a consent field asks for more than purpose and status', () => {
    const details = (selection: string) => profileSelectionFor(infoFor(`{ customer(id: "x") { ${selection} } }`), reader);
    expect(details('consents { purpose ... on ConsentRecord { status } }')).toMatchObject({ consents: true, consentDetails: false });
    expect(details('consents { purpose source }')).toMatchObject({ consents: true, consentDetails: true });
    expect(details('consentHistory { purpose }')).toMatchObject({ consents: true, consentDetails: true });
    expect(details('consentConflicts { purpose }')).toMatchObject({ consents: true, consentDetails: true });
  });

  it('reads consents for a purpose-bound reader, who is admitted by them, even when none are selected', () => {
    const bound = as('service', { purpose: 'personalization' });
    expect(profileSelectionFor(infoFor('{ customer(id: "x") { id } }'), bound)).toMatchObject({ consents: true, consentDetails: false });
  });

  it('follows a path to the customers of a connection', () => {
    const info = infoFor(`{ customers(first: 5) { pageInfo { hasNextPage } edges { cursor node { email devices { id } } } edges { node { ...C } } } }
      fragment C on Customer { consentHistory { id } }`);
    expect(profileSelectionFor(info, reader, ['edges', 'node'])).toEqual({
      customer: ['id', 'email'],
      identifiers: false,
      devices: true,
      consents: true,
      consentDetails: true,
    });
  });

  it('names selections so that equal ones share a loader', () => {
    const one = profileSelectionFor(infoFor('{ customer(id: "x") { email id } }'), reader);
    const other = profileSelectionFor(infoFor('{ customer(id: "y") { id email } }'), reader);
    expect(selectionKey(one)).toBe(selectionKey(other));
    expect(selectionKey(one)).not.toBe(selectionKey(FULL_SELECTION));
    expect(FULL_SELECTION.customer).toEqual(CUSTOMER_PROPERTIES);
  });
});
