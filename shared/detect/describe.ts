import type { MasterIdentity } from './event.ts';
import type { MasterRecord } from './state.ts';

/** `950 ms`, `42 s`, `4 min 30 s`, `2 h 5 min`: for summaries. */
export function formatDuration(ms: number): string {
  const clamped = Math.max(0, Math.round(ms));
  if (clamped < 1000) return `${clamped} ms`;
  const seconds = Math.round(clamped / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** `12:00:41 UTC`: a time of day for summaries read at once (the facts carry the full ISO time). */
export function formatClock(time: number): string {
  return `${new Date(time).toISOString().slice(11, 19)} UTC`;
}

export function identityOf(master: MasterRecord): MasterIdentity {
  return { address: master.address, fabricPort: master.fabricPort, startTime: master.startTime };
}

/** The identity, registration and session of a master, for facts. */
export function masterFacts(master: MasterRecord): Record<string, unknown> {
  return {
    ...identityOf(master),
    startedAt: new Date(master.startTime).toISOString(),
    registeredAt: new Date(master.registeredAt).toISOString(),
    version: master.version,
    znode: master.znode,
    ephemeralOwner: master.ephemeralOwner,
  };
}

export function sameIdentity(a: MasterIdentity, b: MasterIdentity): boolean {
  return a.address === b.address && a.fabricPort === b.fabricPort && a.startTime === b.startTime;
}

/** `coord-a.corp (fabric 45678)`. */
export function nameOf(master: MasterIdentity): string {
  return `${master.address} (fabric ${master.fabricPort})`;
}
