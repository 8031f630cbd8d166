import type { DetectorState } from './state.ts';

/**
 * Fields that move with every snapshot without changing any judgement. A process keeps them in
 * memory; the store gets them with the next material change, the monitor's heartbeat (5 min), or
 * the first decision of a new process (every poll-mode invocation writes once).
 */
const VOLATILE_KEYS = new Set([
  'lastObservedAt',
  'lastHttpObservedAt',
  'lastZooKeeperObservedAt',
  'clockAt',
  'lastSeenAt',
  'lastAnsweredAt',
]);

function counts(value: Record<string, unknown>, key: string): boolean {
  return Object.hasOwn(value, key) && !VOLATILE_KEYS.has(key) && value[key] !== undefined;
}

/**
 * Whether two plain JSON values are equal once bookkeeping keys are set aside, at any depth. Plain
 * loops, no copies and no key arrays: a watch compares every cluster's state every second.
 */
function sameMaterial(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let index = 0; index < a.length; index += 1) if (!sameMaterial(a[index], b[index])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let unmatched = 0;
  for (const key in left) {
    if (!counts(left, key)) continue;
    if (!counts(right, key) || !sameMaterial(left[key], right[key])) return false;
    unmatched += 1;
  }
  for (const key in right) if (counts(right, key)) unmatched -= 1;
  return unmatched === 0;
}

/**
 * Whether `next` differs from `previous` in anything but bookkeeping that moves with every snapshot
 * (the time of the latest snapshot, the clock, when the master was last seen or last answered). A step whose only
 * change is bookkeeping need not be written: it is what makes an unchanged cluster cost no write.
 */
export function isMaterialChange(previous: DetectorState | null, next: DetectorState): boolean {
  if (previous === null) return true;
  return !sameMaterial(previous, next);
}
