import { type Fact, factsOf } from './fact-lines.ts';
import { formatDuration, formatTime } from './format.ts';
import { addressOf, between, factsRecord, list, record, text, time } from './read.ts';
import { incidentName, titleOf } from './titles.ts';
import type { MonitorEvent, Severity } from './types.ts';

/**
 * How an event reads for people, the one presentation Slack, SNS, the CLI and the report share:
 * its status, title, fact lines, steps, notes and links, as plain text (no markup, no escaping:
 * each medium escapes for itself). Reads `facts` through read.ts: a missing or odd fact makes a
 * shorter message, never an exception.
 */

/** What is known about the cluster an event is about, beyond the event itself. */
export interface NotificationContext {
  /** The runbook link from the cluster's configuration, if any. */
  readonly runbookUrl?: string;
  /** The Dremio UI of the master the event names (the new master on a failover), if known. */
  readonly masterWebUrl?: string;
  /** True when the monitor will restart the failed master itself (remediation enabled, not a dry run). */
  readonly remediationEnabled?: boolean;
}

export type { Fact };
export { between, formatDuration, formatTime, incidentName };

/** How a message reads at a glance: the severity while an incident is live, else what happened to it. */
export type MessageStatus = Severity | 'resolved' | 'reminder' | 'acknowledged';

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
