import { formatDuration } from './format.ts';
import { addressOf, factsRecord, list, num, record, text } from './read.ts';
import type { EventType, MonitorEvent } from './types.ts';

/**
 * The title of each event type, and the names, for people, of what events mention: incident kinds,
 * the guardrails that block a remediation, why a node needs a restart, how a maintenance window ended.
 */

const INCIDENT_NAMES: Readonly<Record<string, string>> = {
  master: 'master',
  split_brain: 'split brain',
  'split-brain': 'split brain',
  coordinator: 'coordinator',
  executors: 'executors',
  zookeeper: 'ZooKeeper',
  observation: 'observation',
  maintenance: 'maintenance',
  flapping: 'flapping',
  remediation: 'restart',
};

/** `master incident`, `coordinator 10.0.0.21 incident`: from a reminder's facts or the incident key. */
export function incidentName(event: MonitorEvent): string {
  const facts = factsRecord(event);
  const kind = text(facts.incidentKind) ?? event.incidentKey.split('/').at(-2) ?? '';
  const subject = text(facts.subject);
  const name = Object.hasOwn(INCIDENT_NAMES, kind) ? INCIDENT_NAMES[kind] : kind || 'unnamed';
  return `${name}${subject ? ` ${subject}` : ''} incident`;
}

type TitleOf = (event: MonitorEvent, facts: Record<string, unknown>) => string;

const TITLES: { readonly [T in EventType]: TitleOf } = {
  MASTER_UNRESPONSIVE: (_, f) => `Master ${addressOf(f.master) ?? ''} not answering`,
  MASTER_RESPONSIVE: (_, f) => `Master ${addressOf(f.master) ?? ''} answering again`,
  MASTER_DOWN: () => 'No master registered',
  TAKEOVER_OVERDUE: () => 'No standby took over: act now',
  FAILOVER_COMPLETED: (_, f) =>
    `Failover completed: ${addressOf(f.from) ?? '?'} -> ${addressOf(f.to) ?? '?'}`,
  MASTER_RESTARTED: (_, f) => `Master ${addressOf(f.to) ?? addressOf(f.master) ?? ''} restarted`,
  MASTER_RETURNED: (_, f) => `Master ${addressOf(f.master) ?? ''} back`,
  ZK_SESSION_RENEWED: (_, f) => `Master ${addressOf(f.master) ?? ''} renewed its ZooKeeper session`,
  SPLIT_BRAIN_SUSPECTED: (_, f) => `Split brain suspected: ${list(f.masters).length || 'several'} masters`,
  SPLIT_BRAIN_RESOLVED: () => 'Split brain over: one master',
  COORDINATOR_UNREACHABLE: (_, f) => `Coordinator ${text(f.address) ?? ''} not answering the monitor`,
  COORDINATOR_DOWN: (_, f) => `Coordinator ${text(f.address) ?? ''} down`,
  COORDINATOR_RECOVERED: (_, f) => `Coordinator ${text(f.address) ?? ''} recovered`,
  EXECUTORS_LOW: (_, f) => `Executors low: ${countOf(f)}`,
  EXECUTORS_RECOVERED: (_, f) => `Executors recovered: ${countOf(f)}`,
  ZOOKEEPER_DEGRADED: () => 'ZooKeeper degraded',
  ZOOKEEPER_QUORUM_LOST: () => 'ZooKeeper quorum lost',
  ZOOKEEPER_RECOVERED: () => 'ZooKeeper recovered',
  OBSERVATION_FAILED: () => 'Monitor cannot see the master',
  OBSERVATION_RECOVERED: () => 'Monitor sees the master again',
  FLAPPING: (_, f) => `Leadership flapping: ${list(f.changes).length || 'several'} master changes`,
  INCIDENT_REMINDER: (event, f) => {
    const open = num(f.openForMs);
    return `Still open${open === undefined ? '' : ` after ${formatDuration(open)}`}: ${incidentName(event)}`;
  },
  INCIDENT_ACKNOWLEDGED: (event, f) => `${text(f.by) ?? 'Someone'} took the ${incidentName(event)}`,
  MAINTENANCE_STARTED: (_, f) => `Maintenance ${text(f.windowId) ?? ''} started`,
  DELIVERY_FAILED: (_, f) => `Delivery to ${text(f.channel) ?? 'a channel'} failed`,
  MAINTENANCE_ENDED: (_, f) =>
    `Maintenance ${text(f.windowId) ?? ''} ${OUTCOMES[text(f.outcome) ?? ''] ?? 'ended'}`,
  REMEDIATION_STARTED: (_, f) =>
    `${f.dryRun === true ? 'Dry run: would restart' : 'Restarting'} ${targetAddress(f) ?? 'a node'}`,
  REMEDIATION_SUCCEEDED: (_, f) => {
    const target = targetAddress(f);
    if (f.actionId === null) return `${target ?? 'Node'} back, no restart needed`;
    return f.dryRun === true
      ? `Dry run: restart of ${target ?? 'a node'} recorded`
      : `Restarted ${target ?? 'a node'}`;
  },
  REMEDIATION_FAILED: (_, f) => `Restart of ${targetAddress(f) ?? 'a node'} failed`,
  REMEDIATION_BLOCKED: (_, f) =>
    `Restart of ${targetAddress(f) ?? 'a node'} blocked: ${ruleName(f.rule) ?? 'a guardrail'}`,
};

/** The guardrails of remediation (REMEDIATION_BLOCKED `facts.rule`), for people. */
const RULES: Readonly<Record<string, string>> = {
  'no-quorum': 'ZooKeeper quorum lost',
  'cannot-observe': 'monitor cannot observe',
  'target-is-master': 'it is the master',
  'master-unhealthy': 'master not healthy',
  maintenance: 'maintenance window',
  'in-flight': 'another action in flight',
  cooldown: 'cooldown',
  'daily-cap': 'daily cap reached',
};

/** The guardrail named by a rule id, or the id itself when it is not one of {@link RULES}. */
export function ruleName(value: unknown): string | undefined {
  const rule = text(value);
  return rule === undefined ? undefined : Object.hasOwn(RULES, rule) ? RULES[rule] : rule;
}

const NEED_REASONS: Readonly<Record<string, string>> = {
  'failed-master': 'failed master, to rejoin as a standby',
  'coordinator-down': 'coordinator down',
};

/** Why a node needs a restart (REMEDIATION_* `facts.target.reason`), for people. */
export function needName(reason: string): string | undefined {
  return Object.hasOwn(NEED_REASONS, reason) ? NEED_REASONS[reason] : reason;
}

/** How a maintenance window ended (MAINTENANCE_ENDED `facts.outcome`), for people. */
export const OUTCOMES: Readonly<Record<string, string>> = {
  expired: 'ended',
  ended_early: 'ended early',
  cancelled: 'cancelled',
};

/** The event's title on one line; the event type itself when the type is unknown. */
export function titleOf(event: MonitorEvent): string {
  const make = Object.hasOwn(TITLES, event.type) ? TITLES[event.type] : undefined;
  const title = make ? make(event, factsRecord(event)) : String(event.type);
  return title.replace(/\s+/g, ' ').trim();
}

function countOf(facts: Record<string, unknown>): string {
  const count = num(facts.count);
  const minimum = num(facts.minimum);
  if (count === undefined) return 'below the minimum';
  return `${count} registered${minimum === undefined ? '' : ` (minimum ${minimum})`}`;
}

function targetAddress(facts: Record<string, unknown>): string | undefined {
  return text(record(facts.target)?.address);
}
