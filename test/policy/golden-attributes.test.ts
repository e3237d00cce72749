import { GOLDEN_ATTRIBUTES, PROFILE_ATTRIBUTES, type GoldenAttributeHolder } from '../../src/identity/profile-attributes';
import { catalogOf, type PolicyCatalog } from '../../src/policy/policy-catalog';
import { buildAppSchema } from '../../src/schema/build-schema';

/**
 * The profile and the export show the same golden values: a mask that differed between them would let the export
 * show what the profile masks. Both take their fields from GOLDEN_ATTRIBUTES; this checks the schema they build.
 */
describe('golden attributes', () => {
  const HOLDERS: GoldenAttributeHolder[] = ['Customer', 'ExportedProfile'];
  let catalog: PolicyCatalog;

  beforeAll(async () => {
    catalog = catalogOf(await buildAppSchema());
  });

  it.each(PROFILE_ATTRIBUTES)('%s is classified and masked alike on the profile and in the export, as declared', (attribute) => {
    const declared = GOLDEN_ATTRIBUTES[attribute].policy;
    const [profile, exported] = HOLDERS.map((holder) => catalog.field(holder, attribute));
    expect(profile).toBeDefined();
    expect(exported).toBeDefined();
    expect({ classification: exported!.classification, mask: exported!.mask }).toEqual({
      classification: profile!.classification,
      mask: profile!.mask,
    });
    expect({ classification: profile!.classification, mask: profile!.mask }).toEqual({
      classification: declared.classification,
      mask: declared.mask ?? null,
    });
  });
});
