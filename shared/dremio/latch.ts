/**
 * Curator LeaderLatch participant znodes: `_c_<uuid>-latch-<10 digit sequence>` (docs/dremio-ha.md#leader-latch).
 * Curator orders participants by the text after the last `latch-`; the lowest is the leader.
 */
export const LATCH_PREFIX = 'latch-';

export interface LatchParticipant {
  readonly znode: string;
  readonly sequence: number;
}

export function latchSequence(znode: string): number | null {
  const at = znode.lastIndexOf(LATCH_PREFIX);
  if (at < 0) return null;
  const digits = znode.slice(at + LATCH_PREFIX.length);
  return /^\d{10}$/.test(digits) ? Number(digits) : null;
}

/** Orders latch children leader first; names that are not latch participants are left out. */
export function orderLatchParticipants(children: readonly string[]): LatchParticipant[] {
  const participants: LatchParticipant[] = [];
  for (const znode of children) {
    const sequence = latchSequence(znode);
    if (sequence !== null) participants.push({ znode, sequence });
  }
  return participants.sort((a, b) => a.sequence - b.sequence);
}
