import * as z from 'zod';

/** Building blocks shared by the configuration's schemas: messages that never echo a secret. */

/**
 * How an issue names the value it got. Strings are never echoed (a secret pasted into the wrong key
 * must not end up in a log), except digits, so that `"3000"` can be recognised as a quoted number.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') {
    return /^-?[0-9]{1,15}(?:\.[0-9]{1,15})?$/.test(value)
      ? `the string "${value}" (write numbers without quotes)`
      : 'a string';
  }
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : typeof value;
}

type IssueLike = { readonly input?: unknown };

/** A schema-level message that still says "required" when the key is missing. */
export function message(text: string, withValue = false): (issue: IssueLike) => string {
  return (issue) =>
    issue.input === undefined ? 'required' : withValue ? `${text}, got ${describeValue(issue.input)}` : text;
}

export function integer(min: number, max?: number) {
  const error = message(
    max === undefined ? `expected an integer >= ${min}` : `expected an integer from ${min} to ${max}`,
    true,
  );
  const atLeast = z.int({ error }).min(min, { error });
  return max === undefined ? atLeast : atLeast.max(max, { error });
}

/** A key that existed once: named in the error with what replaced it, never silently ignored. */
export function retired(replacement: string) {
  return z
    .never({ error: message(`no longer a key: ${replacement}`) })
    .optional()
    .meta({ description: `Retired: ${replacement}.` });
}
