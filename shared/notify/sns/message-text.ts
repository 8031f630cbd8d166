import { formatDuration } from '../../detect/describe.ts';
import type { EventType, MonitorEvent } from '../../detect/event.ts';
import type { NotificationContext } from '../notifier.ts';
import { fitLine, sanitizeSubject, toAsciiLine } from './ascii.ts';

/**
 * The texts of an SNS notification for people: the subject (email), the SMS line and the email
 * body. Everything comes from the event and its context; facts are read defensively, because they
 * are plain JSON.
 */

export const SMS_MAX_LENGTH = 140;

/** A few words per event type: the email's headline. */
const TITLES: { readonly [T in EventType]: string } = {
  MASTER_UNRESPONSIVE: 'Master not answering',
  MASTER_RESPONSIVE: 'Master answering again',
  MASTER_DOWN: 'No master registered',
  FAILOVER_COMPLETED: 'Failover completed',
  MASTER_RESTARTED: 'Master restarted',
  MASTER_RETURNED: 'Master registered again',
  ZK_SESSION_RENEWED: 'Master renewed its ZooKeeper session',
  SPLIT_BRAIN_SUSPECTED: 'Split brain suspected',
  SPLIT_BRAIN_RESOLVED: 'Split brain resolved',
  COORDINATOR_UNREACHABLE: 'Coordinator not answering the monitor',
  COORDINATOR_DOWN: 'Coordinator down',
  COORDINATOR_RECOVERED: 'Coordinator recovered',
  EXECUTORS_LOW: 'Too few executors',
  EXECUTORS_RECOVERED: 'Executors recovered',
  ZOOKEEPER_DEGRADED: 'ZooKeeper degraded',
  ZOOKEEPER_QUORUM_LOST: 'ZooKeeper quorum lost',
  ZOOKEEPER_RECOVERED: 'ZooKeeper recovered',
  OBSERVATION_FAILED: 'Monitor cannot read the master',
  OBSERVATION_RECOVERED: 'Monitor reads the master again',
  TAKEOVER_OVERDUE: 'No standby took over',
  FLAPPING: 'Master leadership flapping',
  INCIDENT_REMINDER: 'Incident still open',
  INCIDENT_ACKNOWLEDGED: 'Incident acknowledged',
  MAINTENANCE_STARTED: 'Maintenance started',
  MAINTENANCE_ENDED: 'Maintenance ended',
  DELIVERY_FAILED: 'Notification delivery failed',
  REMEDIATION_STARTED: 'Restart started',
  REMEDIATION_SUCCEEDED: 'Remediation succeeded',
  REMEDIATION_FAILED: 'Restart failed',
  REMEDIATION_BLOCKED: 'Restart blocked',
};

interface Identity {
  readonly address: string;
  readonly fabricPort?: number;
  readonly startTime?: number;
}

function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function identity(value: unknown): Identity | undefined {
  const fields = record(value);
  if (!fields || typeof fields.address !== 'string') return undefined;
  return {
    address: fields.address,
    ...(typeof fields.fabricPort === 'number' ? { fabricPort: fields.fabricPort } : {}),
    ...(typeof fields.startTime === 'number' ? { startTime: fields.startTime } : {}),
  };
}

function duration(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? formatDuration(value) : undefined;
}

function nameOf(master: Identity): string {
  return master.fabricPort === undefined ? master.address : `${master.address} (fabric ${master.fabricPort})`;
}

/** The old and the new master of a failover or restart, when the facts name both. */
function change(event: MonitorEvent): { from: Identity; to: Identity } | undefined {
  if (event.type !== 'FAILOVER_COMPLETED' && event.type !== 'MASTER_RESTARTED') return undefined;
  const from = identity(event.facts.from);
  const to = identity(event.facts.to);
  return from && to ? { from, to } : undefined;
}

/** The one line subjects and SMS start from: the failover in a few words, else the summary. */
function shortLine(event: MonitorEvent): string {
  const moved = change(event);
  const outage = duration(event.facts.outageMs);
  const after = outage ? `, no master for up to ${outage}` : '';
  if (moved && event.type === 'FAILOVER_COMPLETED') {
    return `Failover completed, ${moved.from.address} -> ${moved.to.address}${after}`;
  }
  if (moved) return `Master ${moved.to.address} restarted${after}`;
  return event.summary;
}

/** `CRITICAL prod: ...`, `WARNING (suppressed) prod: ...`. */
function headline(event: MonitorEvent): string {
  const label = `${event.severity.toUpperCase()}${event.suppressed ? ' (suppressed)' : ''}`;
  return `${label} ${event.cluster}: ${shortLine(event)}`;
}

/** The SNS `Subject` (used by email, and shown in the SQS/HTTPS envelope). */
export function subjectOf(event: MonitorEvent): string {
  return sanitizeSubject(headline(event));
}

/** The SMS: one ASCII line of at most SMS_MAX_LENGTH characters. */
export function smsOf(event: MonitorEvent): string {
  return fitLine(toAsciiLine(headline(event)), SMS_MAX_LENGTH);
}

function outageLine(event: MonitorEvent): string | undefined {
  const outage = duration(event.facts.outageMs);
  if (outage) {
    const detected = duration(event.facts.detectedMs);
    const gap = event.facts.observedGap === true ? '; it happened while the monitor could not observe' : '';
    return `up to ${outage}${detected ? ` (seen ${detected} after the new master registered)` : ''}${gap}`;
  }
  const down = duration(event.facts.downForMs);
  if (!down) return undefined;
  return event.type === 'MASTER_DOWN' || event.type === 'TAKEOVER_OVERDUE' ? `${down} so far` : down;
}

/** `Master:` (or `Last master:`) lines: old -> new on a failover, else the master the facts name. */
function masterLines(event: MonitorEvent): Array<[string, string]> {
  const moved = change(event);
  if (moved && event.type === 'FAILOVER_COMPLETED') {
    return [['Master', `${nameOf(moved.from)} -> ${nameOf(moved.to)}`]];
  }
  if (moved) {
    const started =
      moved.to.startTime === undefined
        ? ''
        : `, new process started ${new Date(moved.to.startTime).toISOString()}`;
    return [['Master', `${nameOf(moved.to)}${started}`]];
  }
  const master = identity(event.facts.master);
  if (master) return [['Master', nameOf(master)]];
  const previous = identity(event.facts.previous);
  return previous ? [['Last master', nameOf(previous)]] : [];
}

function suppressedNote(event: MonitorEvent): string | undefined {
  if (!event.suppressed) return undefined;
  const maintenance = record(event.facts.maintenance);
  if (maintenance) {
    return `Not paged: maintenance window ${String(maintenance.windowId)} (${String(maintenance.owner)}) is active until ${String(maintenance.until)}.`;
  }
  const flapping = record(event.facts.flapping);
  if (flapping) return `Not paged: master leadership is flapping (since ${String(flapping.since)}).`;
  return 'Not paged: recorded only.';
}

/** Width of the label column of the email's facts (`Takeover by: ` and a space). */
const LABEL_WIDTH = 13;

/** `Label:      value` lines, for the rows that have a value. */
function table(rows: ReadonlyArray<readonly [string, string | undefined]>): string[] {
  return rows
    .filter((row): row is readonly [string, string] => row[1] !== undefined)
    .map(([label, value]) => `${`${label}:`.padEnd(LABEL_WIDTH)}${value}`);
}

/**
 * The email body: headline, summary, the facts a person needs (cluster, old -> new master,
 * outage, when, incident), the steps, the runbook. Plain text, UTF-8.
 */
export function emailOf(event: MonitorEvent, context: NotificationContext): string {
  const lines: string[] = [
    `${event.severity.toUpperCase()}: ${TITLES[event.type]} on ${event.cluster}`,
    '',
    event.summary,
    '',
    ...table([
      ['Cluster', event.cluster],
      ['Event', `${event.type} (${event.severity})`],
      ...masterLines(event),
      ['Outage', outageLine(event)],
      [
        'Takeover by',
        typeof event.facts.takeoverExpectedBy === 'string' ? event.facts.takeoverExpectedBy : undefined,
      ],
      ['Coordinator', typeof event.facts.address === 'string' ? event.facts.address : undefined],
      ['Channel', typeof event.facts.channel === 'string' ? event.facts.channel : undefined],
      ['When', event.at],
      ['Incident', `${event.incidentKey}${event.incidentAction ? ` (${event.incidentAction})` : ''}`],
      ['Dremio UI', context.masterWebUrl],
    ]),
  ];
  const notes = [
    suppressedNote(event),
    context.remediationEnabled && event.type === 'FAILOVER_COMPLETED'
      ? 'Remediation is enabled: the monitor restarts the failed master itself.'
      : undefined,
  ].filter((note): note is string => note !== undefined);
  if (notes.length > 0) lines.push('', ...notes);
  if (event.steps && event.steps.length > 0) {
    lines.push('', 'What to do:', ...event.steps.map((step, index) => `${index + 1}. ${step}`));
  }
  if (context.runbookUrl) lines.push('', `Runbook: ${context.runbookUrl}`);
  lines.push(
    '',
    '--',
    `Event ${event.id} from dremio-ha-monitor. SQS, Lambda and HTTPS subscribers receive it as JSON.`,
  );
  return lines.join('\n');
}
