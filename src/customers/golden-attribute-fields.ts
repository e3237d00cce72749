import { Field, ObjectType } from 'type-graphql';
import { Classified } from '../kernel/classification';
import { GOLDEN_ATTRIBUTES, PROFILE_ATTRIBUTES, type GoldenAttributeHolder, type GoldenValues } from '../identity/profile-attributes';

type Constructor<T = object> = new (...args: any[]) => T;

/**
 * `Base` followed by a field for every golden attribute, as GOLDEN_ATTRIBUTES declares it for `holder`. A mixin
 * rather than a class decorator: type-graphql lists a superclass's fields first, so the golden fields keep their
 * place after the holder's own (introspection and the data dictionary list fields in that order).
 */
export function withGoldenAttributes<B extends Constructor>(Base: B, holder: GoldenAttributeHolder) {
  @ObjectType(`${holder}GoldenAttributes`)
  class WithGoldenAttributes extends Base {}
  for (const name of PROFILE_ATTRIBUTES) {
    const { policy, description } = GOLDEN_ATTRIBUTES[name];
    Field(() => String, { nullable: true, description: description?.[holder] })(WithGoldenAttributes.prototype, name);
    Classified(policy)(WithGoldenAttributes.prototype, name);
  }
  return WithGoldenAttributes as B & Constructor<GoldenValues>;
}
