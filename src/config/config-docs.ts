import path from 'node:path';
import { z } from 'zod';
import { configSections } from './config';

export const configDocsFile = path.resolve(__dirname, '..', '..', 'docs', 'configuration.md');

/** The schema under the wrappers that only parse further (transforms, defaults, optional). */
function baseOf(schema: z.ZodTypeAny): z.ZodTypeAny {
  if (schema instanceof z.ZodEffects) return baseOf(schema.innerType());
  if (schema instanceof z.ZodDefault) return baseOf(schema.removeDefault());
  if (schema instanceof z.ZodOptional) return baseOf(schema.unwrap());
  return schema;
}

function defaultOf(schema: z.ZodTypeAny): string {
  if (schema instanceof z.ZodEffects) return defaultOf(schema.innerType());
  if (schema instanceof z.ZodDefault) return `\`${String(schema._def.defaultValue())}\``;
  return 'unset';
}

function acceptsOf(schema: z.ZodTypeAny): string {
  const base = baseOf(schema);
  if (base instanceof z.ZodEnum) return (base.options as string[]).map((option) => `\`${option}\``).join(', ');
  if (base instanceof z.ZodNumber) {
    const kind = base.isInt ? 'integer' : 'number';
    const { minValue: min, maxValue: max } = base;
    if (min !== null && max !== null) return `${kind} ${min} to ${max}`;
    if (min !== null) return `${kind} ≥ ${min}`;
    return kind;
  }
  if (base instanceof z.ZodString) {
    if (base.isURL) return 'URL';
    const pattern = base._def.checks.find((check) => check.kind === 'regex');
    if (pattern?.message) return pattern.message;
    if (base.minLength !== null && base.minLength > 1) return `${base.minLength}+ characters`;
    return 'text';
  }
  return '';
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** docs/configuration.md: every variable of every section, from the schemas themselves. */
export function printConfigDocs(): string {
  const lines = [
    '# Configuration',
    '',
    '<!-- Generated from the zod schemas in src/config/ by `npm run docs:config`; a test fails when it is stale. Do not edit. -->',
    '',
    'The API reads its configuration from environment variables, validated together at start: every problem is',
    'reported at once, and nothing starts until they are fixed. Production (`NODE_ENV=production`) refuses development',
    'defaults: it needs `SUPPRESSION_SALT` and `AUDIT_HMAC_KEY` of its own and refuses `AUTH_DEV_MODE`.',
  ];
  for (const section of Object.values(configSections)) {
    lines.push('', `## ${section.title}`, '', section.summary, '', '| variable | default | accepts | meaning |', '| --- | --- | --- | --- |');
    for (const [name, schema] of Object.entries(section.variables.shape as z.ZodRawShape)) {
      lines.push(`| \`${name}\` | ${cell(defaultOf(schema))} | ${cell(acceptsOf(schema))} | ${cell(schema.description ?? '')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
