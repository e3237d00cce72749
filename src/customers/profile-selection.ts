import { Kind, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { Principal } from '../auth/principal';
import { PROFILE_ATTRIBUTES } from '../identity/profile-attributes';

/** Customer properties a profile read can return: the Customer type's own scalar fields. */
export const CUSTOMER_PROPERTIES = ['id', 'status', 'createdAt', 'updatedAt', ...PROFILE_ATTRIBUTES] as const;

/**
 * What one profile read returns, given to the profile queries as a parameter (the Cypher text never changes):
 * decoding what nobody asked for was most of the difference between a profile read and the bare baseline's.
 */
export type ProfileSelection = {
  /** Always starts with `id`. */
  customer: readonly string[];
  identifiers: boolean;
  devices: boolean;
  consents: boolean;
  /** A consent's provenance (id, source, cause, times, profile); purpose and status always come with `consents`. */
  consentDetails: boolean;
};

export const FULL_SELECTION: ProfileSelection = Object.freeze({
  customer: CUSTOMER_PROPERTIES,
  identifiers: true,
  devices: true,
  consents: true,
  consentDetails: true,
});

/** Names a selection, so requests for the same one share a loader (and a batch). */
export const selectionKey = (s: ProfileSelection) => {
  let key = selectionKeys.get(s);
  if (key === undefined) selectionKeys.set(s, (key = `${s.customer.join(',')}|${+s.identifiers}${+s.devices}${+s.consents}${+s.consentDetails}`));
  return key;
};
/** Selections are never changed once made (profileSelectionFor hands out the same one for the same field node). */
const selectionKeys = new WeakMap<ProfileSelection, string>();

const CONSENT_FIELDS = new Set(['consents', 'consentHistory', 'consentConflicts']);
const PLAIN_CONSENT_FIELDS = new Set(['purpose', 'status', '__typename']);

/** Field names selected directly under a selection set, through fragments; @skip/@include are ignored (read anyway). */
function selectedFields(
  selectionSet: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  into: Map<string, FieldNode[]> = new Map(),
): Map<string, FieldNode[]> {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      into.set(name, [...(into.get(name) ?? []), selection]);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      selectedFields(selection.selectionSet, fragments, into);
    } else {
      selectedFields(fragments[selection.name.value]?.selectionSet, fragments, into);
    }
  }
  return into;
}

/**
 * What the Customer a root field resolves needs: the properties and relations its selection names. A purpose-bound
 * principal also needs the consents, to be admitted. `path` leads from the root field to the Customer (a
 * connection's `edges`, `node`).
 */
export function profileSelectionFor(
  info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>,
  principal: Principal,
  path: readonly string[] = [],
): ProfileSelection {
  // Apollo's document store hands back the same parsed document for the same query text, so a root field's node
  // is the same object from one request to the next: its selection is worked out once (per purpose-bound or not).
  if (info.fieldNodes.length !== 1) return selectionOf(info, principal, path);
  const key = `${principal.purpose !== null}|${path.join('/')}`;
  let known = selectionsByNode.get(info.fieldNodes[0]!);
  if (!known) selectionsByNode.set(info.fieldNodes[0]!, (known = new Map()));
  let selection = known.get(key);
  if (!selection) known.set(key, (selection = Object.freeze(selectionOf(info, principal, path))));
  return selection;
}

const selectionsByNode = new WeakMap<FieldNode, Map<string, ProfileSelection>>();

function selectionOf(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, principal: Principal, path: readonly string[]): ProfileSelection {
  let nodes: readonly FieldNode[] = info.fieldNodes;
  for (const step of path) {
    const below = new Map<string, FieldNode[]>();
    for (const node of nodes) selectedFields(node.selectionSet, info.fragments, below);
    nodes = below.get(step) ?? [];
  }
  const fields = new Map<string, FieldNode[]>();
  for (const node of nodes) selectedFields(node.selectionSet, info.fragments, fields);
  const customer = ['id', ...CUSTOMER_PROPERTIES.filter((name) => name !== 'id' && fields.has(name))];
  const consentFields = [...fields.keys()].filter((name) => CONSENT_FIELDS.has(name));
  const plainConsents = consentFields.every(
    (name) =>
      name === 'consents' &&
      fields.get(name)!.every((node) => [...selectedFields(node.selectionSet, info.fragments).keys()].every((f) => PLAIN_CONSENT_FIELDS.has(f))),
  );
  return {
    customer,
    identifiers: fields.has('identifiers'),
    devices: fields.has('devices'),
    consents: consentFields.length > 0 || principal.purpose !== null,
    consentDetails: !plainConsents,
  };
}
