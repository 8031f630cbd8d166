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

function material(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(material);
  if (value === null || typeof value !== 'object') return value;
  const kept: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (!VOLATILE_KEYS.has(key)) kept[key] = material(inner);
  }
  return kept;
}

/**
 * Whether `next` differs from `previous` in anything but bookkeeping that moves with every snapshot
 * (the time of the latest snapshot, the clock, when the master was last seen or last answered). A step whose only
 * change is bookkeeping need not be written: it is what makes an unchanged cluster cost no write.
 */
export function isMaterialChange(previous: DetectorState | null, next: DetectorState): boolean {
  if (previous === null) return true;
  return JSON.stringify(material(previous)) !== JSON.stringify(material(next));
}
