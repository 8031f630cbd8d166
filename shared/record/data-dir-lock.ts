import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE = 'store.pid';

export interface DataDirLock {
  /** Records the endpoint, for the message a second opener gets. */
  setEndpoint(endpoint: string): Promise<void>;
  release(): Promise<void>;
}

/** Refused: the data directory is in use by a live process (this one included). */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly endpoint: string | undefined,
  ) {
    super(
      `the store in ${dataDir} is in use by process ${pid}` +
        (endpoint ? `, serving ${endpoint}: connect to that endpoint instead` : '') +
        ` (LevelDB allows one process per directory; if no such process runs, delete ${join(dataDir, LOCK_FILE)})`,
    );
  }
}

/**
 * `<dataDir>/store.pid` holds the owner's pid and endpoint. dynalite would crash the process on
 * LevelDB's own lock, so a second opener is refused here first. The file is made whole (written
 * aside, then hard-linked into place, which fails if it exists); one left by a process that died
 * (its pid no longer runs) is taken over.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const path = join(dataDir, LOCK_FILE);
  const aside = `${path}.${process.pid}.tmp`;
  const content = (endpoint?: string) =>
    `${JSON.stringify({ pid: process.pid, ...(endpoint ? { endpoint } : {}) })}\n`;
  await writeFile(aside, content());
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(aside, path);
        return {
          setEndpoint: async (endpoint) => {
            await writeFile(aside, content(endpoint));
            await rename(aside, path);
          },
          release: () => unlink(path).catch(() => {}),
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readHolder(path);
      if (holder && isRunning(holder.pid)) throw new DataDirInUseError(dataDir, holder.pid, holder.endpoint);
      await unlink(path).catch(() => {});
    }
    throw new Error(`cannot take ${path}: other processes keep replacing it`);
  } finally {
    await unlink(aside).catch(() => {});
  }
}

async function readHolder(path: string): Promise<{ pid: number; endpoint: string | undefined } | undefined> {
  try {
    const { pid, endpoint } = JSON.parse(await readFile(path, 'utf8')) as {
      pid?: unknown;
      endpoint?: unknown;
    };
    if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
    return { pid, endpoint: typeof endpoint === 'string' ? endpoint : undefined };
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
