/**
 * Which node was master when, from the master events' facts: FAILOVER_COMPLETED and
 * MASTER_RESTARTED (`from`, `to`, `lastSeenAt`, `detectedMs`), MASTER_DOWN (`previous`,
 * `lastSeenAt`), MASTER_RETURNED (`master`), and the events that only name the master
 * (MASTER_UNRESPONSIVE, MASTER_RESPONSIVE, ZK_SESSION_RENEWED, SPLIT_BRAIN_RESOLVED: `master`).
 */

import { addressOf, epochOf, factsRecord, num, record } from '../events/read.ts';
import type { EventType, MonitorEvent } from '../events/types.ts';
import type { MasterPeriod, NoMasterPeriod } from './model.ts';

interface Current {
  readonly address: string;
  readonly from: number;
  readonly fromKnown: boolean;
  readonly processStart: number | null;
}

/** Events that name the registered master without changing it. */
const NAMES_MASTER: ReadonlySet<EventType> = new Set([
  'MASTER_UNRESPONSIVE',
  'MASTER_RESPONSIVE',
  'ZK_SESSION_RENEWED',
  'SPLIT_BRAIN_RESOLVED',
]);

/**
 * The master periods and the times without a master, within [since, until]. `events` are the
 * cluster's, oldest first. Every time is clamped into the range and each period starts where the
 * previous ended at the earliest, so periods are ordered and never overlap even when facts disagree
 * (clock skew between Dremio's registration times and the monitor's).
 */
export function masterPeriods(
  events: readonly MonitorEvent[],
  since: number,
  until: number,
): { periods: MasterPeriod[]; noMaster: NoMasterPeriod[] } {
  const track = new Tracker(since, until);
  for (const event of events) track.apply(event);
  return track.finish();
}

/** The master as the events so far say: the node, or known absent since, or not known yet. */
class Tracker {
  readonly periods: MasterPeriod[] = [];
  readonly noMaster: NoMasterPeriod[] = [];
  current: Current | null = null;
  absentSince: number | null = null;
  lastEnd: number;

  constructor(
    readonly since: number,
    readonly until: number,
  ) {
    this.lastEnd = since;
  }

  clamp(t: number): number {
    return Math.min(Math.max(t, this.since), this.until);
  }

  end(t: number, endedBy: EventType): void {
    if (!this.current) return;
    const to = Math.max(this.clamp(t), this.current.from);
    // Assumed from the range start and gone by then: it was not master within the range.
    if (to > this.current.from || this.current.fromKnown)
      this.periods.push({ ...this.current, to, ongoing: false, endedBy });
    this.lastEnd = to;
    this.current = null;
  }

  markAbsent(t: number): void {
    if (this.current === null && this.absentSince === null)
      this.absentSince = Math.max(this.clamp(t), this.lastEnd);
  }

  start(address: string, t: number, fromKnown: boolean, processStart: number | null): void {
    const from = Math.max(this.clamp(t), this.lastEnd);
    if (this.absentSince !== null && from > this.absentSince)
      this.noMaster.push({ from: this.absentSince, to: from, ongoing: false });
    this.absentSince = null;
    this.current = { address, from, fromKnown, processStart };
  }

  /** The node was master before this event, though no earlier event in the range said so. */
  assume(address: string | null, processStart: number | null): void {
    if (this.current === null && this.absentSince === null && address !== null)
      this.current = { address, from: this.lastEnd, fromKnown: false, processStart };
  }

  apply(event: MonitorEvent): void {
    const at = Date.parse(event.at);
    const facts = factsRecord(event);
    if (NAMES_MASTER.has(event.type)) {
      const address = addressOf(facts.master) ?? null;
      if (address === null) return;
      const processStart = num(record(facts.master)?.startTime) ?? null;
      if (this.current === null && this.absentSince === null) this.assume(address, processStart);
      else if (this.current?.address !== address) {
        this.end(at, event.type);
        this.start(address, at, false, processStart);
      }
      return;
    }
    switch (event.type) {
      case 'MASTER_DOWN':
      case 'TAKEOVER_OVERDUE': {
        const lastSeen = epochOf(facts.lastSeenAt) ?? epochOf(facts.absentSince) ?? at;
        this.assume(addressOf(facts.previous) ?? null, num(record(facts.previous)?.startTime) ?? null);
        this.end(lastSeen, event.type);
        this.markAbsent(lastSeen);
        return;
      }
      case 'FAILOVER_COMPLETED':
      case 'MASTER_RESTARTED': {
        const lastSeen = epochOf(facts.lastSeenAt) ?? at;
        this.assume(addressOf(facts.from) ?? null, num(record(facts.from)?.startTime) ?? null);
        this.end(lastSeen, event.type);
        this.markAbsent(lastSeen);
        const to = addressOf(facts.to) ?? null;
        // The new master registered `detectedMs` before the monitor saw it.
        const registered = at - (num(facts.detectedMs) ?? 0);
        if (to !== null) this.start(to, registered, true, num(record(facts.to)?.startTime) ?? null);
        return;
      }
      case 'MASTER_RETURNED': {
        const address = addressOf(facts.master) ?? null;
        if (address === null || this.current?.address === address) return;
        const downFor = num(facts.downForMs) ?? null;
        if (downFor !== null) this.markAbsent(at - downFor);
        this.end(at, event.type);
        this.start(address, at, true, num(record(facts.master)?.startTime) ?? null);
        return;
      }
      default:
        return;
    }
  }

  finish(): { periods: MasterPeriod[]; noMaster: NoMasterPeriod[] } {
    const open = this.current;
    if (open !== null)
      this.periods.push({ ...open, to: Math.max(this.until, open.from), ongoing: true, endedBy: null });
    if (this.absentSince !== null)
      this.noMaster.push({ from: this.absentSince, to: this.until, ongoing: true });
    return { periods: this.periods, noMaster: this.noMaster };
  }
}
