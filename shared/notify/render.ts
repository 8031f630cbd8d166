import { formatDuration } from '../detect/describe.ts';
import type { EventType, MonitorEvent, Severity } from '../detect/event.ts';
import type { NotificationContext } from './notifier.ts';

/**
 * What every notifier says about an event, as plain text (no markup, no escaping: each notifier
 * escapes for its own medium). Reads `facts` defensively: an event is stored JSON, and a missing or
 * odd fact makes a shorter message, never an exception.
 */

export { formatDuration };

/** How a message reads at a glance: the severity while an incident is live, else what happened to it. */
export type MessageStatus = Severity | 'resolved' | 'reminder' | 'acknowledged';

export interface Fact {
  readonly label: string;
  readonly value: string;
}

export interface Link {
  readonly label: string;
  /** An http(s) URL from the configuration, normalised by `URL`. */
  readonly url: string;
}

/** An event described for people, before any markup. */
export interface EventView {
  readonly status: MessageStatus;
  /** `CRITICAL`, `WARNING`, `INFO`, `RESOLVED`, `REMINDER`, `ACKNOWLEDGED`. */
  readonly statusLabel: string;
  /** Short, ASCII when the cluster's own strings are: `Failover completed: 10.0.0.11 -> 10.0.0.12`. */
  readonly title: string;
  /** `[CRITICAL] prod: No master registered` (an e-mail subject, a notification line). */
  readonly headline: string;
  readonly summary: string;
  /** The event's facts worth a glance, in reading order (cluster, time and incident are separate). */
  readonly facts: readonly Fact[];
  /** What to do, in order; empty when there is nothing to do. */
  readonly steps: readonly string[];
  /** Why the message is held back (maintenance, flapping), how the change was seen... */
  readonly notes: readonly string[];
  readonly links: readonly Link[];
}

const STATUS_LABEL: { readonly [S in MessageStatus]: string } = {
  critical: 'CRITICAL',
  warning: 'WARNING',
  info: 'INFO',
  resolved: 'RESOLVED',
  reminder: 'REMINDER',
  acknowledged: 'ACKNOWLEDGED',
};

export function messageStatus(event: MonitorEvent): MessageStatus {
  switch (event.incidentAction) {
    case 'resolve':
      return 'resolved';
    case 'remind':
      return 'reminder';
    case 'acknowledge':
      return 'acknowledged';
    default:
      return event.severity;
  }
}

export function describeEvent(event: MonitorEvent, context: NotificationContext = {}): EventView {
  const status = messageStatus(event);
  const title = titleOf(event);
  return {
    status,
    statusLabel: STATUS_LABEL[status],
    title,
    headline: headline(event),
    summary: event.summary,
    facts: factsOf(event),
    steps: operatorSteps(event, context),
    notes: notesOf(event),
    links: linksOf(context),
  };
}

/** `[CRITICAL] prod: No master registered`, `[RESOLVED] prod: Failover completed: a -> b`. */
export function headline(event: MonitorEvent): string {
  return `[${STATUS_LABEL[messageStatus(event)]}] ${event.cluster}: ${titleOf(event)}`;
}

/** The headline and the summary on one line, for notification previews and fallbacks. */
export function oneLineText(event: MonitorEvent): string {
  return `${headline(event)} - ${event.summary}`.replace(/\s+/g, ' ').trim();
}

/** The whole message as plain text lines (SNS e-mail, logs, the test receiver). */
export function plainTextMessage(event: MonitorEvent, context: NotificationContext = {}): string {
  const view = describeEvent(event, context);
  const lines = [view.headline, '', view.summary];
  for (const note of view.notes) lines.push(`Note: ${note}`);
  lines.push('', `Cluster: ${event.cluster}`, `When: ${formatTime(event.at)}`);
  for (const fact of view.facts) lines.push(`${fact.label}: ${fact.value}`);
  if (view.steps.length > 0) {
    lines.push('', 'What to do:');
    for (const [index, step] of view.steps.entries()) lines.push(`${index + 1}. ${step}`);
  }
  if (view.links.length > 0) lines.push('');
  for (const link of view.links) lines.push(`${link.label}: ${link.url}`);
  lines.push(
    '',
    `Incident: ${event.incidentKey} (${event.incidentAction ?? 'event'})`,
    `Event: ${event.type} ${event.id}`,
  );
  return lines.join('\n');
}

/**
 * What an operator should do. The event's own steps, except: a completed failover names who
 * restarts the failed master (the monitor, when remediation is enabled, else a person); a reminder
 * says how to acknowledge; the end of a maintenance window with incidents still open says so.
 */
export function operatorSteps(event: MonitorEvent, context: NotificationContext = {}): string[] {
  const own = [...(event.steps ?? [])].filter((step) => typeof step === 'string');
  const facts = factsRecord(event);
  switch (event.type) {
    case 'FAILOVER_COMPLETED': {
      const from = addressOf(facts.from);
      if (from === undefined) return own;
      const to = addressOf(facts.to);
      return [
        `Restart the queries that were running: Dremio failed them when ${from} went down.`,
        context.remediationEnabled
          ? `The monitor will restart Dremio on ${from} (remediation is enabled) so it rejoins as a standby; check that it does.`
          : `Restart Dremio on ${from} (the failed master) so it rejoins as a standby: Dremio does not restart it.`,
        `Find why ${from} failed (server.log, the host, its ZooKeeper session)${to ? `; ${to} now serves` : ''}.`,
      ];
    }
    case 'INCIDENT_REMINDER':
      return own.length > 0
        ? own
        : [
            'Act on the incident, or acknowledge it to stop the reminders: ' +
              `dremio-ha-monitor ack ${event.incidentKey} --by <name> --reason <text>`,
          ];
    case 'MAINTENANCE_ENDED': {
      const open = list(facts.openIncidents);
      return own.length > 0 || open.length === 0
        ? own
        : ['Check the incidents that are still open (dremio-ha-monitor status): they page again now.'];
    }
    case 'DELIVERY_FAILED': {
      const channel = text(facts.channel);
      return own.length > 0 || channel === undefined
        ? own
        : [
            `Fix channel ${channel} as the reason says (its secret, its permissions); it gave the message up.`,
            `Read what it missed in the audit log: dremio-ha-monitor events --cluster ${event.cluster} --since 1d`,
          ];
    }
    default:
      return own;
  }
}

/** `2026-11-21 23:05:12 UTC`, or the text itself when it is not a time. */
export function formatTime(value: unknown): string {
  if (typeof value !== 'string') return String(value);
  const time = Date.parse(value);
  if (!Number.isFinite(time)) return value;
  return new Date(time)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}

/** Milliseconds from `since` (ISO) to `until` (ISO), when both are times. */
export function between(since: unknown, until: unknown): number | undefined {
  if (typeof since !== 'string' || typeof until !== 'string') return undefined;
  const ms = Date.parse(until) - Date.parse(since);
  return Number.isFinite(ms) ? ms : undefined;
}

// ---- titles ---------------------------------------------------------------------------------

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

function ruleName(value: unknown): string | undefined {
  const rule = text(value);
  return rule === undefined ? undefined : Object.hasOwn(RULES, rule) ? RULES[rule] : rule;
}

const NEED_REASONS: Readonly<Record<string, string>> = {
  'failed-master': 'failed master, to rejoin as a standby',
  'coordinator-down': 'coordinator down',
};

function targetAddress(facts: Record<string, unknown>): string | undefined {
  return text(record(facts.target)?.address);
}

/** `coord-a.corp (master-candidate, i-0abc...)` and why it needs a restart. */
function targetFacts(facts: Record<string, unknown>): Array<Fact | undefined> {
  const target = record(facts.target);
  const details = joinDefined([text(target?.role), text(target?.instanceId)], ', ');
  const reason = text(target?.reason);
  return [
    fact('Node', joinDefined([text(target?.address), details && `(${details})`])),
    fact('Why', reason && (Object.hasOwn(NEED_REASONS, reason) ? NEED_REASONS[reason] : reason)),
  ];
}

const dryRunFact = (f: Record<string, unknown>) =>
  fact('Mode', f.dryRun === true ? 'dry run: recorded, nothing called' : undefined);

const OUTCOMES: Readonly<Record<string, string>> = {
  expired: 'ended',
  ended_early: 'ended early',
  cancelled: 'cancelled',
};

function titleOf(event: MonitorEvent): string {
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

// ---- facts ----------------------------------------------------------------------------------

type FactsOf = (event: MonitorEvent, facts: Record<string, unknown>) => Array<Fact | undefined>;

const fact = (label: string, value: string | undefined): Fact | undefined =>
  value === undefined || value === '' ? undefined : { label, value };

const duration = (ms: unknown, prefix = ''): string | undefined => {
  const value = num(ms);
  return value === undefined ? undefined : `${prefix}${formatDuration(value)}`;
};

const time = (value: unknown): string | undefined => (text(value) ? formatTime(value) : undefined);

const FACTS: { readonly [T in EventType]: FactsOf } = {
  MASTER_UNRESPONSIVE: (_, f) => [
    fact('Master', masterName(f.master)),
    fact('Answer', joinDefined([text(f.answer), num(f.probes) ? `for ${f.probes} probes` : undefined])),
    fact('Silent since', time(f.silentSince)),
  ],
  MASTER_RESPONSIVE: (event, f) => [
    fact('Master', masterName(f.master)),
    fact('Answer', text(f.answer)),
    fact('Silent for', duration(between(f.silentSince, event.at))),
  ],
  MASTER_DOWN: (_, f) => [
    fact('Last master', masterName(f.previous) ?? 'none seen by the monitor'),
    fact('Down for', duration(f.downForMs)),
    fact('Takeover expected by', time(f.takeoverExpectedBy)),
    fact('Coordinators answering MASTER_DOWN', listOrNone(f.coordinatorsAnsweringMasterDown)),
  ],
  TAKEOVER_OVERDUE: (_, f) => [
    fact('Last master', masterName(f.previous) ?? 'none seen by the monitor'),
    fact('Down for', duration(f.downForMs)),
    fact(
      'Expected within',
      num(f.sessionTimeoutMs) !== undefined && num(f.standbyStartupBudgetMs) !== undefined
        ? `${formatDuration(num(f.sessionTimeoutMs) ?? 0)} session timeout + ${formatDuration(num(f.standbyStartupBudgetMs) ?? 0)} start-up`
        : undefined,
    ),
  ],
  FAILOVER_COMPLETED: (_, f) => [
    fact('Old master', masterName(f.from)),
    fact('New master', masterName(f.to)),
    fact('Outage', duration(f.outageMs, 'up to ')),
    fact('Detected', duration(f.detectedMs)?.concat(' after the new master registered')),
  ],
  MASTER_RESTARTED: (_, f) => [
    fact('Master', masterName(f.to)),
    fact('New process started', time(record(f.master)?.startedAt)),
    fact('Outage', duration(f.outageMs, 'up to ')),
  ],
  MASTER_RETURNED: (_, f) => [
    fact('Master', masterName(f.master)),
    fact('Without a master for', duration(f.downForMs)),
    fact(
      'Session',
      f.sessionRenewed === true
        ? 'new ZooKeeper session, same process'
        : f.previous === null
          ? 'no earlier master known'
          : undefined,
    ),
  ],
  ZK_SESSION_RENEWED: (_, f) => [
    fact('Master', masterName(f.master)),
    fact('Session', joinDefined([text(f.fromSession), text(f.toSession)], ' -> ')),
  ],
  SPLIT_BRAIN_SUSPECTED: (_, f) => [
    fact('Registrations', list(f.masters).map(masterName).filter(Boolean).join(', ')),
    fact('Since', time(f.since)),
    fact('Latch leader is a master', yesNo(f.leaderIsMaster)),
  ],
  SPLIT_BRAIN_RESOLVED: (event, f) => [
    fact('Master', masterName(f.master) ?? (f.master === null ? 'none registered' : undefined)),
    fact('Lasted', duration(between(f.since, event.at))),
  ],
  COORDINATOR_DOWN: (_, f) => [
    fact('Coordinator', text(f.address)),
    fact('Answer', joinDefined([answerText(f.answer), num(f.probes) ? `for ${f.probes} probes` : undefined])),
    fact('Down since', time(f.since)),
  ],
  COORDINATOR_RECOVERED: (event, f) => [
    fact('Coordinator', text(f.address)),
    fact('Now', text(f.reason)),
    fact('Down for', duration(between(f.since, event.at))),
  ],
  EXECUTORS_LOW: (_, f) => [
    fact('Registered', executorCount(f)),
    fact('Addresses', listOrNone(f.addresses)),
    fact('Since', time(f.since)),
  ],
  EXECUTORS_RECOVERED: (event, f) => [
    fact('Registered', executorCount(f)),
    fact('Low for', duration(between(f.since, event.at))),
  ],
  ZOOKEEPER_DEGRADED: (_, f) => zooKeeperFacts(f),
  ZOOKEEPER_QUORUM_LOST: (_, f) => zooKeeperFacts(f),
  ZOOKEEPER_RECOVERED: (event, f) => [
    fact('Quorum', quorumText(f.quorum)),
    fact('Degraded for', duration(between(f.since, event.at))),
  ],
  OBSERVATION_FAILED: (_, f) => [
    fact(
      'Problems',
      list(f.problems)
        .map((problem) => {
          const p = record(problem);
          return p ? joinDefined([text(p.kind), text(p.where)], ' at ') : undefined;
        })
        .filter(Boolean)
        .join('; '),
    ),
    fact('ZooKeeper reachable', yesNo(f.reachable)),
    fact('Blind since', time(f.since)),
  ],
  OBSERVATION_RECOVERED: (_, f) => [fact('Blind for', duration(f.blindForMs))],
  FLAPPING: (_, f) => [
    fact(
      'Master changes',
      joinDefined([String(list(f.changes).length), duration(f.flapWindowMs, 'within ')]),
    ),
    fact('Changes at', list(f.changes).map(time).filter(Boolean).join(', ')),
  ],
  INCIDENT_REMINDER: (_, f) => [
    fact('Open for', duration(f.openForMs)),
    fact('Opened', time(f.openedAt)),
    fact(
      'Why now',
      f.reason === 'never_paged' ? 'opened during maintenance, never paged' : 'nobody acknowledged it',
    ),
  ],
  INCIDENT_ACKNOWLEDGED: (_, f) => [
    fact('By', text(f.by)),
    fact('Reason', text(f.reason)),
    fact('Open since', time(f.openedAt)),
  ],
  MAINTENANCE_STARTED: (_, f) => [
    fact('Window', text(f.windowId)),
    fact('Owner', text(f.owner)),
    fact('Until', time(f.end)),
    fact('Reason', text(f.reason)),
  ],
  DELIVERY_FAILED: (_, f) => [
    fact('Channel', text(f.channel)),
    fact('Event', joinDefined([text(f.eventType), text(f.eventId)])),
    fact('Attempts', text(f.attempts)),
    fact('Reason', text(f.reason)),
  ],
  MAINTENANCE_ENDED: (_, f) => [
    fact('Window', text(f.windowId)),
    fact('Owner', text(f.owner)),
    fact('Outcome', OUTCOMES[text(f.outcome) ?? ''] ?? text(f.outcome)),
    fact(
      'Still open',
      list(f.openIncidents).length === 0
        ? 'no incident'
        : list(f.openIncidents).map(text).filter(Boolean).join(', '),
    ),
  ],
  REMEDIATION_STARTED: (_, f) => [
    ...targetFacts(f),
    dryRunFact(f),
    fact('Attempt', text(f.attempt)),
    fact('Outcome expected by', time(f.deadline)),
  ],
  REMEDIATION_SUCCEEDED: (_, f) => [
    ...targetFacts(f),
    dryRunFact(f),
    fact('Outcome', f.actionId === null ? joinDefined(['no restart needed:', text(f.why)]) : 'restarted'),
    fact('Took', duration(f.durationMs)),
  ],
  REMEDIATION_FAILED: (_, f) => [
    ...targetFacts(f),
    dryRunFact(f),
    fact('Reason', text(f.reason)),
    fact('Started', time(f.startedAt)),
  ],
  REMEDIATION_BLOCKED: (_, f) => [
    ...targetFacts(f),
    fact('Blocked by', ruleName(f.rule)),
    fact('Until', f.until === null ? 'it clears' : time(f.until)),
    fact(
      'Also blocked by',
      list(f.rules)
        .map((entry) => ruleName(record(entry)?.rule))
        .filter((name) => name !== undefined && name !== ruleName(f.rule))
        .join(', '),
    ),
    fact('Needed since', time(f.since)),
  ],
};

function factsOf(event: MonitorEvent): Fact[] {
  const make = Object.hasOwn(FACTS, event.type) ? FACTS[event.type] : undefined;
  if (!make) return [];
  return make(event, factsRecord(event)).filter((entry): entry is Fact => entry !== undefined);
}

function zooKeeperFacts(f: Record<string, unknown>): Array<Fact | undefined> {
  const down = list(f.servers)
    .map(record)
    .filter((server) => server && server.state !== 'serving')
    .map((server) => joinDefined([text(server?.server), text(server?.state) && `(${text(server?.state)})`]));
  return [
    fact('Servers not serving', down.filter(Boolean).join(', ')),
    fact('Quorum', quorumText(f.quorum)),
    fact('Since', time(f.since)),
  ];
}

function executorCount(f: Record<string, unknown>): string | undefined {
  const count = num(f.count);
  if (count === undefined) return undefined;
  const minimum = num(f.minimum);
  return `${count}${minimum === undefined ? '' : ` (minimum ${minimum})`}`;
}

function answerText(value: unknown): string | undefined {
  const answer = record(value);
  if (!answer) return text(value);
  const kind = text(answer.kind);
  if (answer.statusCode !== undefined) return `${kind ?? 'HTTP'} ${text(answer.statusCode) ?? ''}`.trim();
  const detail = text(answer.phase) ?? text(answer.reason);
  return detail ? `${kind ?? 'failed'} (${detail})` : kind;
}

function quorumText(value: unknown): string {
  if (value === true) return 'kept';
  if (value === false) return 'lost';
  return 'unknown';
}

// ---- notes and links ------------------------------------------------------------------------

function notesOf(event: MonitorEvent): string[] {
  const facts = factsRecord(event);
  const notes: string[] = [];
  const maintenance = record(facts.maintenance);
  if (event.suppressed && maintenance) {
    notes.push(
      `Held back by maintenance window ${text(maintenance.windowId) ?? '?'} (${text(maintenance.owner) ?? '?'}) until ${time(maintenance.until) ?? '?'}: recorded, not paging.`,
    );
  }
  const flapping = record(facts.flapping);
  if (event.suppressed && flapping) {
    notes.push(
      `Held back: leadership flapping since ${time(flapping.since) ?? '?'} (${text(flapping.changes) ?? '?'} changes): recorded, not paging.`,
    );
  }
  if (event.suppressed && !maintenance && !flapping) notes.push('Held back: recorded, not paging.');
  if (facts.observedGap === true) {
    notes.push(
      'Seen after a gap in which the monitor could not observe ZooKeeper: the outage is an upper bound.',
    );
  }
  return notes;
}

function linksOf(context: NotificationContext): Link[] {
  const links: Link[] = [];
  const runbook = httpUrl(context.runbookUrl);
  if (runbook) links.push({ label: 'Runbook', url: runbook });
  const master = httpUrl(context.masterWebUrl);
  if (master) links.push({ label: 'Dremio UI', url: master });
  return links;
}

/** The URL normalised, when it is an absolute http(s) URL without credentials; else undefined. */
export function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.username || url.password) return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

// ---- reading unknown facts ------------------------------------------------------------------

function factsRecord(event: MonitorEvent): Record<string, unknown> {
  return record(event.facts) ?? {};
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function yesNo(value: unknown): string | undefined {
  return value === true ? 'yes' : value === false ? 'no' : undefined;
}

function addressOf(value: unknown): string | undefined {
  return text(record(value)?.address);
}

/** `10.0.0.11 (fabric 45678)`, or the address alone. */
function masterName(value: unknown): string | undefined {
  const address = addressOf(value);
  if (address === undefined) return undefined;
  const port = num(record(value)?.fabricPort);
  return port === undefined ? address : `${address} (fabric ${port})`;
}

function listOrNone(value: unknown): string {
  const items = list(value).map(text).filter(Boolean);
  return items.length === 0 ? 'none' : items.join(', ');
}

function joinDefined(parts: Array<string | undefined | false>, separator = ' '): string | undefined {
  const present = parts.filter((part): part is string => typeof part === 'string' && part !== '');
  return present.length === 0 ? undefined : present.join(separator);
}
