import { hostname } from 'node:os';

/** `host:pid`: who holds the leases this process takes (delivery rounds, actions). */
export function localOwner(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * Whether a lease owner is a process of this host that no longer runs: a monitor that crashed
 * (SIGKILL, out of memory) and left its leases behind. Only a definite "no such process" counts; a
 * process of another host, or one that cannot be told apart, is never taken for dead. (A recycled
 * PID reads as alive: the lease is then waited out, never taken twice.)
 */
export function isDeadLocalOwner(owner: string, host = hostname()): boolean {
  const at = owner.lastIndexOf(':');
  if (at <= 0 || owner.slice(0, at) !== host) return false;
  const pid = Number(owner.slice(at + 1));
  if (!Number.isSafeInteger(pid) || pid <= 1 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
