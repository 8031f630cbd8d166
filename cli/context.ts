import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { ClusterConfig } from '../shared/config/index.ts';
import { ConfigError, loadConfigFromEnvironment, type MonitorConfig } from '../shared/config/index.ts';
import {
  connectStore,
  DataDirInUseError,
  DEFAULT_DATA_DIR,
  DEFAULT_TABLE_NAME,
  type Store,
  startLocalStore,
} from '../shared/record/index.ts';
import { EXIT } from './exit-codes.ts';

/** A usage or configuration problem: printed as is, exit code 3. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const STORE_OPTIONS = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
  'store-endpoint': { type: 'string' },
  table: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const STORE_USAGE =
  '[--config FILE] [--data-dir DIR (default ./.dremio-ha-monitor)] [--store-endpoint URL] [--table NAME]';

/** What `parseArgs` gives for these options, named so that declarations can be emitted. */
export type ParsedArgs<T extends NonNullable<ParseArgsConfig['options']>> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true }>
>;

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: T,
): ParsedArgs<T> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * A whole-number flag, checked like a key of the configuration file: absent gives `fallback`, anything
 * but an integer in [min, max] is a usage error naming the flag and the value (never NaN, which Node
 * would run as a 1 ms interval).
 */
export function integerFlag(
  values: Readonly<Record<string, unknown>>,
  name: string,
  { fallback, min, max = Number.MAX_SAFE_INTEGER }: { fallback: number; min: number; max?: number },
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const text = String(raw).trim();
  const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(
      `--${name} ${JSON.stringify(String(raw))}: expected a whole number from ${min} to ${max}`,
    );
  }
  return value;
}

/**
 * A `host:port` flag (an IPv6 host in brackets: `[::1]:9464`), checked like `integerFlag`: absent
 * gives undefined, anything else but a host and a port from 1 to 65535 is a usage error.
 */
export function listenFlag(
  values: Readonly<Record<string, unknown>>,
  name: string,
): { host: string; port: number } | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(
      `--${name} ${JSON.stringify(String(raw))}: expected HOST:PORT (for example 127.0.0.1:9464 or [::1]:9464), port from 1 to 65535`,
    );
  }
  return { host, port };
}

export async function loadConfig(path: string | undefined): Promise<MonitorConfig> {
  try {
    return await loadConfigFromEnvironment(path);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

export interface OpenedStore {
  readonly store: Store;
  /** Where other processes can reach this store. */
  readonly endpoint: string | undefined;
  close(): Promise<void>;
}

/**
 * The store: DynamoDB (or a store another process serves) at `--store-endpoint`, else the embedded
 * local store in `--data-dir`; when another process already holds that directory, its endpoint.
 */
/** The store options of a command line. */
export interface StoreValues {
  'data-dir'?: string | undefined;
  'store-endpoint'?: string | undefined;
  table?: string | undefined;
}

/** Runs `body` with the store open, and closes it whatever happens. */
export async function withStore<T>(values: StoreValues, body: (store: Store) => Promise<T>): Promise<T> {
  const opened = await openStore(values);
  try {
    return await body(opened.store);
  } finally {
    await opened.close();
  }
}

export async function openStore(values: {
  'data-dir'?: string | undefined;
  'store-endpoint'?: string | undefined;
  table?: string | undefined;
}): Promise<OpenedStore> {
  const tableName = values.table ?? DEFAULT_TABLE_NAME;
  const connect = (endpoint: string) => {
    const connected = connectStore({ endpoint, tableName });
    return { store: connected.store, endpoint, close: () => connected.close() };
  };
  if (values['store-endpoint']) return connect(values['store-endpoint']);
  try {
    const local = await startLocalStore({ dataDir: values['data-dir'] ?? DEFAULT_DATA_DIR, tableName });
    return { store: local.store, endpoint: local.endpoint, close: () => local.close() };
  } catch (error) {
    if (error instanceof DataDirInUseError && error.endpoint) return connect(error.endpoint);
    throw error;
  }
}

export function selectClusters(config: MonitorConfig, name: string | undefined): ClusterConfig[] {
  if (!name) return config.clusters;
  const found = config.clusters.filter((cluster) => cluster.name === name);
  if (found.length === 0) {
    throw new UsageError(
      `no cluster named "${name}" (configured: ${config.clusters.map((cluster) => cluster.name).join(', ')})`,
    );
  }
  return found;
}

/** Runs a command body: usage errors print and exit 3; anything else is a bug and propagates. */
export async function runCommand(name: string, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`dremio-ha-monitor ${name}: ${error.message}\nusage: dremio-ha-monitor ${name} ${usage}`);
      return EXIT.usage;
    }
    throw error;
  }
}
