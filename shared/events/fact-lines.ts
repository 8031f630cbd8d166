import { formatDuration } from './format.ts';
import {
  between,
  duration,
  factsRecord,
  joinDefined,
  list,
  listOrNone,
  masterName,
  num,
  record,
  text,
  time,
  yesNo,
} from './read.ts';
import { needName, OUTCOMES, ruleName } from './titles.ts';
import type { EventType, MonitorEvent } from './types.ts';

/** The facts of each event type worth a glance, as label and value, in reading order. */

export interface Fact {
  readonly label: string;
  readonly value: string;
}

type FactsOf = (event: MonitorEvent, facts: Record<string, unknown>) => Array<Fact | undefined>;

const fact = (label: string, value: string | undefined): Fact | undefined =>
  value === undefined || value === '' ? undefined : { label, value };

const FACTS: { readonly [T in EventType]: FactsOf } = {
  MASTER_UNRESPONSIVE: (_, f) => [
    fact('Master', masterName(f.master)),
    fact('Answer', joinDefined([text(f.answer), num(f.probes) ? `for ${f.probes} probes` : undefined])),
    fact(
      'Evidence',
      f.evidence === 'refused'
        ? 'refused: nothing listens on its web port'
        : f.evidence === 'no_answer'
          ? 'no answer: hung, paused or unreachable'
          : undefined,
    ),
    fact('Silent since', time(f.silentSince)),
    fact('Last answer', time(f.lastAnsweredAt)),
    fact('Failover expected by', time(f.failoverExpectedBy)),
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
  COORDINATOR_UNREACHABLE: (_, f) => [
    fact('Coordinator', text(f.address)),
    fact('Answer', joinDefined([answerText(f.answer), num(f.probes) ? `for ${f.probes} probes` : undefined])),
    fact('In ZooKeeper', 'still registered: Dremio counts it'),
    fact('Not answering since', time(f.since)),
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

/** The event's facts for its type, the missing or empty ones left out. */
export function factsOf(event: MonitorEvent): Fact[] {
  const make = Object.hasOwn(FACTS, event.type) ? FACTS[event.type] : undefined;
  if (!make) return [];
  return make(event, factsRecord(event)).filter((entry): entry is Fact => entry !== undefined);
}

/** `coord-a.corp (master-candidate, i-0abc...)` and why it needs a restart. */
function targetFacts(facts: Record<string, unknown>): Array<Fact | undefined> {
  const target = record(facts.target);
  const details = joinDefined([text(target?.role), text(target?.instanceId)], ', ');
  const reason = text(target?.reason);
  return [
    fact('Node', joinDefined([text(target?.address), details && `(${details})`])),
    fact('Why', reason && needName(reason)),
  ];
}

const dryRunFact = (f: Record<string, unknown>) =>
  fact('Mode', f.dryRun === true ? 'dry run: recorded, nothing called' : undefined);

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
