import { open, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type Document, isNode, isScalar, Lexer, LineCounter, parseDocument, visit } from 'yaml';
import { errorMessage } from '../errors.ts';
import type { MonitorConfig } from './schema.ts';
import { ConfigError, type ConfigIssue, MAX_LISTED_ISSUES, oneLine, parseConfig } from './validate.ts';

export { resolveSecret, type SecretSources } from './secrets.ts';
export { ConfigError, type ConfigIssue, MAX_LISTED_ISSUES, parseConfig } from './validate.ts';

/**
 * Reading and validating the configuration file. This module (with the rest of shared/config/) is the
 * only place of the project that reads `process.env`.
 */

/** The largest configuration file read, in bytes (1 MiB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** The deepest nesting of lists and objects accepted in a file; a real configuration uses about 5. */
export const MAX_CONFIG_DEPTH = 64;
/** YAML alias expansions allowed before a document is refused as an alias bomb. */
export const MAX_YAML_ALIASES = 100;
/** The environment variable naming the configuration file when `--config` is not given. */
export const CONFIG_ENV_VAR = 'DREMIO_HA_MONITOR_CONFIG';
/** Looked for in the working directory, in this order, when neither `--config` nor the variable is set. */
export const DEFAULT_CONFIG_FILES = ['dremio-ha-monitor.yaml', 'dremio-ha-monitor.json'] as const;

function fileIssue(source: string, message: string): ConfigError {
  return new ConfigError(source, [{ path: '(file)', message }]);
}

function positionIssue(text: string, offset: number, message: string): ConfigIssue {
  const { line, column } = lineAndColumn(text, offset);
  return { path: `line ${line}, column ${column}`, message, line, column };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let index = text.indexOf('\n'); index !== -1 && index < end; index = text.indexOf('\n', index + 1)) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: end - lineStart + 1 };
}

// ---------------------------------------------------------------------------------------------------
// Text

/**
 * Parses the text of a configuration file, YAML or JSON: JSON is read as YAML 1.2, of which it is a
 * subset. Syntax errors become ConfigErrors with their line and column.
 */
export function parseConfigText(text: string, source: string): MonitorConfig {
  return parseConfig(parseConfigDocument(text, source), source);
}

/** The value of a configuration text, not yet validated. Exported for tests. */
export function parseConfigDocument(text: string, source: string): unknown {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CONFIG_BYTES) throw fileIssue(source, tooLarge(bytes));
  // A lone CR ends a line in YAML and is blank in JSON; yaml's lexer knows only LF and CR LF.
  const body = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r(?!\n)/g, '\n');
  if (body.trim() === '') throw emptyFile(source);
  const tooDeep = nestingLimitOffset(body, MAX_CONFIG_DEPTH);
  if (tooDeep !== undefined) {
    throw new ConfigError(source, [
      positionIssue(body, tooDeep, `nested more than ${MAX_CONFIG_DEPTH} levels deep`),
    ]);
  }
  try {
    const lineCounter = new LineCounter();
    const document = withoutStackTraces(() =>
      parseDocument(body, {
        lineCounter,
        prettyErrors: false,
        uniqueKeys: false, // checked below, in linear time
        merge: false,
        // 'silent' would also drop errors; 'error' keeps them and prints no warnings.
        logLevel: 'error',
      }),
    );
    const problems = [
      ...[...document.errors, ...document.warnings].map((error) => ({ offset: error.pos[0], error })),
      ...duplicateKeyOffsets(document).map((offset) => ({ offset, error: DUPLICATE_KEY })),
    ].sort((a, b) => a.offset - b.offset);
    if (problems.length > 0) {
      // A broken file can hold a million errors; the first ones tell what is wrong.
      const kept = problems.length > MAX_LISTED_ISSUES ? MAX_LISTED_ISSUES - 1 : problems.length;
      const issues: ConfigIssue[] = problems.slice(0, kept).map(({ offset, error }) => {
        const { line, col } = lineCounter.linePos(offset);
        return { path: `line ${line}, column ${col}`, message: syntaxMessage(error), line, column: col };
      });
      if (kept < problems.length) {
        issues.push({ path: '(root)', message: `${problems.length - kept} more syntax errors` });
      }
      throw new ConfigError(source, issues);
    }
    const { contents } = document;
    // Nothing but comments, directives or "---": no node, or an empty plain scalar.
    if (contents === null || (isScalar(contents) && contents.value === null && contents.source === '')) {
      throw emptyFile(source);
    }
    return document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(source, [{ path: '(root)', message: `cannot read the YAML: ${messageOf(error)}` }]);
  }
}

function tooLarge(bytes: number): string {
  return `the file is ${bytes} bytes; a configuration file is at most ${MAX_CONFIG_BYTES} bytes (1 MiB)`;
}

function emptyFile(source: string): ConfigError {
  return new ConfigError(source, [
    { path: '(root)', message: 'the file is empty; expected an object with a "clusters" list' },
  ]);
}

/**
 * Where a key repeats one before it in its map, compared as the property names they become (`1` and
 * `"1"` are the same). yaml's own `uniqueKeys` compares every pair of keys: minutes for a 1 MiB map.
 */
function duplicateKeyOffsets(document: Document): number[] {
  const offsets: number[] = [];
  visit(document, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        const id = isScalar(key) ? String(key.value ?? '') : key;
        if (seen.has(id)) offsets.push(isNode(key) ? (key.range?.[0] ?? 0) : 0);
        seen.add(id);
      }
    },
  });
  return offsets;
}

/** Runs `fn` without stack traces: yaml makes an Error of every syntax error, a million in a hostile file. */
function withoutStackTraces<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const DUPLICATE_KEY = { code: 'DUPLICATE_KEY', message: 'Map keys must be unique' } as const;

/** yaml's message, without the text of the file that a few of them end with. */
function syntaxMessage(problem: { code: string; message: string }): string {
  if (problem.code === 'BAD_DQ_ESCAPE') return 'Invalid escape sequence in a double-quoted string';
  return oneLine(problem.message).replace(
    /^(Unexpected \S+ token in YAML \w+|Block scalar header includes extra characters|Not a YAML token): .*$/,
    '$1',
  );
}

/**
 * Where a text first nests deeper than `limit` (an over-estimate counting flow brackets, block
 * indentation levels and the `-`, `?` and `:` indicators that may open a map or a list), read with the
 * YAML lexer so that quoted text and comments do not count. Run before the parser, whose cost grows
 * badly with the depth.
 */
function nestingLimitOffset(text: string, limit: number): number | undefined {
  let offset = 0;
  let atLineStart = true;
  let indent = 0;
  const indents: number[] = [];
  let lineDepth = 0;
  // Per open flow collection, the `?` and `:` in its current entry; in a map the first is its own.
  const flows: Array<{ map: boolean; indicators: number }> = [];
  let flowDepth = 0;
  for (const token of new Lexer().lex(text)) {
    const start = offset;
    // Lexer markers (document, flow end, scalar) are not source text; the BOM is.
    if (token !== '\u0002' && token !== '\u0018' && token !== '\u001f') offset += token.length;
    if (token === '\n' || token === '\r\n') {
      atLineStart = true;
      indent = 0;
      continue;
    }
    if (token.length === 1 && token < ' ') continue;
    if (atLineStart) {
      if (/^ +$/.test(token)) {
        indent = token.length;
        continue;
      }
      if (token.startsWith('#')) continue;
      atLineStart = false;
      // Block structure only: inside a flow collection, lines and indentation mean nothing.
      if (flows.length === 0) {
        while (indents.length > 0 && (indents.at(-1) ?? 0) >= indent) indents.pop();
        indents.push(indent);
        lineDepth = 0;
      }
    }
    const flow = flows.at(-1);
    if (token === '[' || token === '{') {
      flows.push({ map: token === '{', indicators: 0 });
      flowDepth += 1;
    } else if (flow !== undefined && (token === ']' || token === '}' || token === ',')) {
      flowDepth -= (token === ',' ? 0 : 1) + Math.max(0, flow.indicators - (flow.map ? 1 : 0));
      if (token === ',') flow.indicators = 0;
      else flows.pop();
    } else if (token === '?' || token === ':' || (token === '-' && flow === undefined)) {
      if (flow === undefined) lineDepth += 1;
      else {
        flow.indicators += 1;
        if (flow.indicators > (flow.map ? 1 : 0)) flowDepth += 1;
      }
    }
    // The first indentation level is the top of the document, no nesting.
    if (flowDepth + indents.length - 1 + lineDepth > limit) return start;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Files

/**
 * Reads and validates a configuration file (UTF-8, at most 1 MiB). A relative `http.caFile` is made
 * relative to the directory of the file.
 */
export async function loadConfig(path: string): Promise<MonitorConfig> {
  return loadConfigFile(path);
}

async function loadConfigFile(path: string, origin?: string): Promise<MonitorConfig> {
  const text = await readConfigFile(path, origin);
  const config = parseConfigText(text, path);
  const directory = dirname(resolve(path));
  return {
    ...config,
    clusters: config.clusters.map((cluster) =>
      cluster.http.caFile === undefined || isAbsolute(cluster.http.caFile)
        ? cluster
        : { ...cluster, http: { ...cluster.http, caFile: resolve(directory, cluster.http.caFile) } },
    ),
  };
}

async function readConfigFile(path: string, origin?: string): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileIssue(
      path,
      `${describeFileError(error)}${origin === undefined ? '' : ` (given by ${origin})`}`,
    );
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw fileIssue(path, 'is a directory, not a file');
    if (info.size > MAX_CONFIG_BYTES) throw fileIssue(path, tooLarge(info.size));
    // Read at most one byte past the limit: a file may grow, or be a pipe or a device without a size.
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > MAX_CONFIG_BYTES) throw fileIssue(path, tooLarge(length));
    return decodeUtf8(buffer.subarray(0, length), path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw fileIssue(path, describeFileError(error));
  } finally {
    await handle.close();
  }
}

function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    throw new ConfigError(source, [
      positionIssue(lossy, lossy.indexOf('\uFFFD'), 'not UTF-8 text: a configuration file must be UTF-8'),
    ]);
  }
}

function describeFileError(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return `cannot read the file: ${messageOf(error)}`;
  }
}

function messageOf(error: unknown): string {
  return oneLine(errorMessage(error));
}

export interface ConfigLocation {
  /** The file to read. */
  readonly path: string;
  /** Where the path came from: `--config`, the environment variable, or a default file in the working directory. */
  readonly origin: 'option' | 'environment' | 'default';
}

export interface ConfigEnvironment {
  /** The environment; `process.env` when left out. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where the default files are looked for; `process.cwd()` when left out. */
  readonly cwd?: string;
}

/**
 * Which configuration file to read: `configPath` (the value of `--config`), else
 * $DREMIO_HA_MONITOR_CONFIG, else ./dremio-ha-monitor.yaml, else ./dremio-ha-monitor.json. Throws a
 * ConfigError when there is none.
 */
export async function findConfigFile(
  configPath?: string,
  environment: ConfigEnvironment = {},
): Promise<ConfigLocation> {
  if (configPath !== undefined && configPath !== '') return { path: configPath, origin: 'option' };
  const fromEnvironment = (environment.env ?? process.env)[CONFIG_ENV_VAR];
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    return { path: fromEnvironment, origin: 'environment' };
  }
  const cwd = environment.cwd ?? process.cwd();
  for (const name of DEFAULT_CONFIG_FILES) {
    const path = resolve(cwd, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) return { path, origin: 'default' };
  }
  throw new ConfigError('dremio-ha-monitor', [
    {
      path: '(file)',
      message: `no configuration file: pass --config <file>, set ${CONFIG_ENV_VAR}, or create ${DEFAULT_CONFIG_FILES.join(' or ')} in ${cwd}`,
    },
  ]);
}

/** Finds the configuration file as {@link findConfigFile} does and loads it as {@link loadConfig} does. */
export async function loadConfigFromEnvironment(
  configPath?: string,
  environment: ConfigEnvironment = {},
): Promise<MonitorConfig> {
  const location = await findConfigFile(configPath, environment);
  const origin = { option: '--config', environment: CONFIG_ENV_VAR, default: undefined }[location.origin];
  return loadConfigFile(location.path, origin);
}
