import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
let hooked = false;

/**
 * Makes sure a child started by the test bench dies with the process that started it, even when a
 * test fails half-way: no JVM or emulated node is left behind.
 */
export function killOnExit(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const survivor of children) survivor.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      // A program that handles the signal itself (the demo's --keep) stops its children cleanly;
      // the 'exit' hook above still kills whatever it leaves.
      if (process.listenerCount(signal) > 0) return;
      for (const survivor of children) survivor.kill('SIGKILL');
      process.exit(130);
    });
  }
}

/**
 * SIGSTOP, then SIGCONT after `ms`: a process frozen as by a long garbage-collection pause or a
 * hung host. Its sockets stay open, so the sessions it holds live on unless the freeze outlasts them.
 */
export async function freeze(pid: number, ms: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  try {
    await new Promise((resolve) => setTimeout(resolve, ms));
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}
