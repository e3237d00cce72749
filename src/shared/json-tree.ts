import { textFault } from './well-formed-text';

/*
 * Walks over JSON that came from outside (payloads, definitions, stored dead letters) without recursion: a value
 * nested a few thousand levels deep overflows the stack of a recursive walk (about 3,000 levels here), and such a
 * value may already be stored, so a walk that reads it must not depend on any limit having been applied.
 */

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

type Frame = { value: unknown; depth: number; parent: Frame | null; step: string };

export type JsonInspection = {
  /** Path of the first container nested deeper than allowed; the walk stops there. */
  tooDeep: string | null;
  /** The first string or key that cannot be kept faithfully (see textFault). */
  text: { path: string; inKey: boolean; fault: string } | null;
};

/** Keys that read as names are shown in paths; others (which may be anything, even personal data) are not. */
const shown = (key: string) => (/^[A-Za-z_$][\w$-]{0,63}$/.test(key) ? key : '*');

function pathOf(frame: Frame): string {
  const steps: string[] = [];
  for (let at: Frame | null = frame; at; at = at.parent) steps.push(at.step);
  const path = steps.reverse().join('');
  return path.startsWith('.') ? path.slice(1) : path;
}

/** Depth counts containers: the root object or array is level 1. `root` names the value in paths. */
export function inspectJson(value: unknown, maxDepth: number, root = ''): JsonInspection {
  let text: JsonInspection['text'] = null;
  const stack: Frame[] = [{ value, depth: 1, parent: null, step: root }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const current = frame.value;
    if (typeof current === 'string') {
      const fault: string | null = text ? null : textFault(current);
      if (fault) text = { path: pathOf(frame), inKey: false, fault };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (frame.depth > maxDepth) return { tooDeep: pathOf(frame), text };
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i -= 1) stack.push({ value: current[i], depth: frame.depth + 1, parent: frame, step: `[${i}]` });
      continue;
    }
    const keys = Object.keys(current);
    for (const key of keys) {
      const fault: string | null = text ? null : textFault(key);
      if (fault) text = { path: pathOf(frame), inKey: true, fault };
    }
    for (let i = keys.length - 1; i >= 0; i -= 1) {
      const key = keys[i];
      stack.push({ value: (current as Record<string, unknown>)[key], depth: frame.depth + 1, parent: frame, step: `.${shown(key)}` });
    }
  }
  return { tooDeep: null, text };
}

/** Every string value anywhere in a JSON value (not keys). */
export function jsonStrings(value: unknown): string[] {
  const strings: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') strings.push(current);
    else if (Array.isArray(current)) for (const item of current) stack.push(item);
    else if (current !== null && typeof current === 'object') for (const item of Object.values(current)) stack.push(item);
  }
  return strings;
}

const own = (target: object, key: PropertyKey, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

/**
 * A copy of a JSON value with every leaf (string, number, boolean, null) replaced by `leaf(value, key)`, `key` being
 * the nearest object key above it (array items take their array's). `object` may replace a whole object (return
 * undefined to copy it as usual). Keys keep their order, and a `__proto__` key stays a plain key, as JSON.parse made it.
 */
export function mapJson(
  value: unknown,
  leaf: (value: unknown, key: string) => unknown,
  object?: (value: Record<string, unknown>, key: string) => unknown,
): unknown {
  const result: { value?: unknown } = {};
  const stack: [unknown, string, object, PropertyKey][] = [[value, '', result, 'value']];
  while (stack.length > 0) {
    const [current, key, target, slot] = stack.pop()!;
    if (Array.isArray(current)) {
      const copy: unknown[] = new Array(current.length);
      own(target, slot, copy);
      for (let i = current.length - 1; i >= 0; i -= 1) stack.push([current[i], key, copy, i]);
    } else if (current !== null && typeof current === 'object') {
      const replaced = object?.(current as Record<string, unknown>, key);
      if (replaced !== undefined) {
        own(target, slot, replaced);
        continue;
      }
      const copy = {};
      own(target, slot, copy);
      const entries = Object.entries(current);
      // Placed in order now, filled as the stack reaches them: the copy keeps the original key order.
      for (const [k] of entries) own(copy, k, undefined);
      for (let i = entries.length - 1; i >= 0; i -= 1) stack.push([entries[i][1], entries[i][0], copy, entries[i][0]]);
    } else {
      own(target, slot, leaf(current, key));
    }
  }
  return result.value;
}
