import type * as z from 'zod';
import { describeValue, duplicateIssues, type MonitorConfig, monitorConfigSchema } from './schema.ts';

/**
 * Validating a parsed configuration document: every issue with its path, in one ConfigError. No YAML
 * here, so that the Lambda functions (which read JSON) carry no YAML parser.
 */

/** At most this many issues are written in a ConfigError's message; `issues` holds them all. */
export const MAX_LISTED_ISSUES = 100;

export interface ConfigIssue {
  /**
   * Where: a path in the file like `clusters[1].zookeeper.connect`, `(root)` for the whole document,
   * `(file)` for the file itself, or `line 3, column 5` for a syntax error.
   */
  readonly path: string;
  /** One line, in words; never contains a value from the file other than a number or a known-safe name. */
  readonly message: string;
  /** 1-based position of a syntax or encoding error. */
  readonly line?: number;
  readonly column?: number;
}

/** A configuration that cannot be used. Its message lists every issue, one per line: `<source>: <path>: <reason>`. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: ReadonlyArray<ConfigIssue>;
  readonly source: string;

  constructor(source: string, issues: ReadonlyArray<ConfigIssue>) {
    const listed: ReadonlyArray<ConfigIssue> =
      issues.length > 0 ? issues : [{ path: '(root)', message: 'invalid configuration' }];
    super(formatIssues(source, listed));
    this.source = source;
    this.issues = Object.freeze(listed.map((issue) => Object.freeze({ ...issue })));
  }
}

function formatIssues(source: string, issues: ReadonlyArray<ConfigIssue>): string {
  const lines = issues
    .slice(0, MAX_LISTED_ISSUES)
    .map((issue) => `${source}: ${oneLine(issue.path)}: ${oneLine(issue.message)}`);
  if (issues.length > MAX_LISTED_ISSUES) {
    lines.push(`${source}: (root): ${issues.length - MAX_LISTED_ISSUES} more issues not listed`);
  }
  return lines.join('\n');
}

export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------------
// Validation

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

/** Human messages for the issues the schema does not word itself. */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `expected at least ${issue.minimum} entries`
        : `expected at least ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `expected at most ${issue.maximum} entries`
        : `expected at most ${issue.maximum}`;
    case 'invalid_value':
      return `expected ${issue.values.map((value) => (typeof value === 'string' ? JSON.stringify(value) : String(value))).join(' or ')}`;
    case 'invalid_union':
      return 'matches none of the allowed forms';
    default:
      return undefined;
  }
};

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) {
      text += text === '' ? segment : `.${segment}`;
    } else text += `[${quoteKey(String(segment))}]`;
  }
  return text === '' ? '(root)' : text;
}

function quoteKey(key: string): string {
  return JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);
}

function toConfigIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  const converted: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) converted.push({ path, message: `unknown key ${quoteKey(key)}` });
    } else {
      converted.push({ path, message: oneLine(issue.message) });
    }
  }
  return converted;
}

/** Validates an already parsed document and applies the defaults. Throws ConfigError listing every issue. */
export function parseConfig(value: unknown, source: string): MonitorConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(source, [
      { path: '(root)', message: `expected an object with a "clusters" list, got ${describeValue(value)}` },
    ]);
  }
  const result = monitorConfigSchema.safeParse(value, { error: errorMap });
  if (result.success) return result.data;
  // The schema's own uniqueness check does not run past some errors; this one does. Listed once.
  const issues = toConfigIssues(result.error.issues);
  const listed = new Set(issues.map((issue) => `${issue.path}\0${issue.message}`));
  for (const duplicate of duplicateIssues(value)) {
    const issue = { path: formatPath(duplicate.path), message: duplicate.message };
    if (!listed.has(`${issue.path}\0${issue.message}`)) issues.push(issue);
  }
  throw new ConfigError(source, issues);
}
