import { z } from 'zod';

/** One environment variable, declared once: its name, and a schema that carries its default and its description. */
export class Variable<Name extends string = string, Schema extends z.ZodTypeAny = z.ZodTypeAny> {
  constructor(
    readonly env: Name,
    readonly schema: Schema,
  ) {}
}

/** `description` is what docs/configuration.md says of the variable (one line of Markdown). */
export const variable = <Name extends string, Schema extends z.ZodTypeAny>(env: Name, schema: Schema, description: string) =>
  new Variable(env, schema.describe(description));

/** A section's settings by field name; a nested group becomes a nested object. */
export type Fields = { readonly [field: string]: Variable | Fields };

// These types read a variable's name and parsed value from its properties (`_output` is zod's own type slot):
// matching whole zod schema types structurally made the compiler run out of memory.
type Leaf = { readonly env: string; readonly schema: { readonly _output: unknown } };
type ValueOf<V> = V extends { readonly schema: { readonly _output: infer O } } ? O : never;
type LeavesOf<F> = { [K in keyof F]: F[K] extends Leaf ? F[K] : LeavesOf<F[K]> }[keyof F];

/** The parsed variables of a section, by environment name. */
export type EnvOf<F> = { [V in LeavesOf<F> as V extends Leaf ? V['env'] : never]: ValueOf<V> };

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<F> = { [K in keyof F]-?: F[K] extends Leaf ? (undefined extends ValueOf<F[K]> ? K : never) : never }[keyof F];

/** What the fields read as once parsed; a variable that may stay unset gives an optional field, as in zod's objects. */
export type SettingsOf<F> = Simplify<
  { [K in Exclude<keyof F, OptionalKeys<F>>]: F[K] extends Leaf ? ValueOf<F[K]> : SettingsOf<F[K]> } & { [K in OptionalKeys<F>]?: ValueOf<F[K]> }
>;

export type Section<Env = any, Out = unknown> = {
  /** Heading of the section in docs/configuration.md. */
  readonly title: string;
  /** What the section configures (one paragraph of Markdown). */
  readonly summary: string;
  /** The variables by environment name, each schema `.describe()`d: what loadConfig parses and the docs list. */
  readonly variables: z.AnyZodObject;
  /** From the parsed variables to the section's settings. */
  readonly read: (parsed: Env) => Out;
  /** The section alone, from an environment to its settings: `z.infer` of it is the section's type. */
  readonly schema: z.ZodType<Out, z.ZodTypeDef, unknown>;
};

/**
 * One concern's configuration. `derive` adds what follows from the values (a development default, say) when the
 * fields alone are not the settings; the rules that tie sections together live in config.ts.
 */
export function section<F extends Fields, Out = SettingsOf<F>>(
  title: string,
  summary: string,
  fields: F,
  derive?: (settings: SettingsOf<F>) => Out,
): Section<EnvOf<F>, Out> {
  const shape: Record<string, z.ZodTypeAny> = {};
  const collect = (group: Fields) => {
    for (const value of Object.values(group)) {
      if (!(value instanceof Variable)) collect(value);
      else if (value.env in shape) throw new Error(`${value.env} is declared twice in the ${title} configuration`);
      else shape[value.env] = value.schema;
    }
  };
  collect(fields);
  const settingsOf = (group: Fields, parsed: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(group).map(([field, value]) => [field, value instanceof Variable ? parsed[value.env] : settingsOf(value, parsed)]));

  const variables = z.object(shape);
  const read = (parsed: EnvOf<F>): Out => {
    const settings = settingsOf(fields, parsed as Record<string, unknown>) as SettingsOf<F>;
    return derive ? derive(settings) : (settings as Out);
  };
  return { title, summary, variables, read, schema: variables.transform((parsed) => read(parsed as EnvOf<F>)) };
}
