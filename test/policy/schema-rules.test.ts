import 'reflect-metadata';
import { isIntrospectionType, isObjectType } from 'graphql';
import { PROFILE_ATTRIBUTES } from '../../src/identity/profile-attributes';
import { OPERATION_RULES } from '../../src/policy/access-rules';
import { ruleFor } from '../../src/policy/apply-policy';
import { catalogOf } from '../../src/policy/policy-catalog';
import { buildAppSchema } from '../../src/schema/build-schema';

/** With shield's fallback set to deny, a field nobody gave a rule is unreadable: this test names it instead. */
describe('every field has an explicit rule', () => {
  it('covers each field of each object type, and the operation table names only real operations', async () => {
    const schema = await buildAppSchema();
    const catalog = catalogOf(schema);
    const missing: string[] = [];
    const unclassified: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || isIntrospectionType(type)) continue;
      for (const field of Object.keys(type.getFields())) {
        if (!ruleFor(catalog, type.name, field)) missing.push(`${type.name}.${field}`);
        if (!catalog.field(type.name, field)?.classification) unclassified.push(`${type.name}.${field}`);
      }
    }
    expect(missing).toEqual([]);
    expect(unclassified).toEqual([]);

    const stale = Object.entries(OPERATION_RULES).flatMap(([typeName, fields]) => {
      const type = schema.getType(typeName);
      return Object.keys(fields).filter((field) => !isObjectType(type) || !type.getFields()[field]).map((f) => `${typeName}.${f}`);
    });
    expect(stale).toEqual([]);
  });

  it('makes every PII field nullable, so a refusal nulls that field only', async () => {
    const schema = await buildAppSchema();
    const nonNull = catalogOf(schema)
      .piiFields()
      .filter((field) => {
        const type = schema.getType(field.typeName);
        return isObjectType(type) && type.getFields()[field.fieldName].type.toString().endsWith('!');
      })
      .map((field) => `${field.typeName}.${field.fieldName}`);
    expect(nonNull).toEqual([]);
  });

  it('classifies every golden attribute where it is declared, as a Customer field (segment rules and literals follow it)', async () => {
    const catalog = catalogOf(await buildAppSchema());
    const unclassified = PROFILE_ATTRIBUTES.filter((attribute) => !catalog.field('Customer', attribute)?.classification);
    expect(unclassified).toEqual([]);
  });

  it('makes every field that names another customer nullable, so a purpose-bound token gets null for a non-consenting one', async () => {
    const schema = await buildAppSchema();
    const naming = catalogOf(schema)
      .all()
      .filter((field) => field.namesCustomer);
    expect(naming.length).toBeGreaterThan(0);
    const nonNull = naming
      .filter((field) => {
        const type = schema.getType(field.typeName);
        return isObjectType(type) && type.getFields()[field.fieldName].type.toString().endsWith('!');
      })
      .map((field) => `${field.typeName}.${field.fieldName}`);
    expect(nonNull).toEqual([]);
  });
});
