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

/** Own keys that count: not bookkeeping, and not undefined (which a stored state never holds). */
function materialKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((key) => !VOLATILE_KEYS.has(key) && value[key] !== undefined);
}

/**
 * Whether two plain JSON values are equal once bookkeeping keys are set aside, at any depth. It walks
 * both without copying: a watch compares every cluster's state every second.
 */
function sameMaterial(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => sameMaterial(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = materialKeys(left);
  if (keys.length !== materialKeys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && sameMaterial(left[key], right[key]));
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
