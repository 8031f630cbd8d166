import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The RocksDB `LOCK` gate of a master candidate (docs/dremio-ha.md#catalog-lock): an exclusive lock on
 * `<db-dir>/catalog/LOCK` held for the life of the process. util-linux `flock(1)` holds it on our
 * behalf and runs `cat` on a pipe from this process, so the kernel frees the lock as soon as this
 * process dies, SIGKILL included, exactly as it frees a crashed JVM's lock.
 */
export class CatalogLock {
  #holder: ChildProcess | undefined;

  constructor(readonly dbDir: string) {}

  get path(): string {
    return join(this.dbDir, 'catalog', 'LOCK');
  }

  /** Blocks until the lock is ours; calls `onWaiting` once if another process holds it. */
  acquire(onWaiting: () => void): Promise<void> {
    mkdirSync(join(this.dbDir, 'catalog'), { recursive: true });
    const holder = spawn('flock', ['-x', this.path, 'sh', '-c', 'echo locked && exec cat >/dev/null'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.#holder = holder;
    // Dremio polls every 100 ms and says once that it waits.
    const waiting = setTimeout(onWaiting, 100);
    return new Promise((resolve, reject) => {
      holder.stdout?.once('data', () => {
        clearTimeout(waiting);
        resolve();
      });
      holder.once('error', (error) => {
        clearTimeout(waiting);
        reject(new Error(`cannot run flock(1) (util-linux) for ${this.path}`, { cause: error }));
      });
      holder.once('exit', (code) => {
        clearTimeout(waiting);
        reject(new Error(`flock(1) exited with ${code} before locking ${this.path}`));
      });
    });
  }

  /** Frees the lock and waits until the holder is gone, so a standby can take it at once. */
  async release(): Promise<void> {
    const holder = this.#holder;
    if (!holder || holder.exitCode !== null) return;
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.stdin?.end();
    await exited;
  }
}
