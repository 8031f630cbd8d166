/** The report's tables: failovers, incidents, remediation, delivery failures and the audit log. */

import { describeEvent } from '../events/present.ts';
import type { MonitorEvent } from '../events/types.ts';
import { formatMs, formatTime, type Html, html, join } from './html.ts';
import type { ClusterTimeline } from './model.ts';

function table(headers: readonly string[], rows: readonly Html[], empty: string, cls = ''): Html {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  const head = join(headers.map((header) => html`<th>${header}</th>`));
  return html`<div class="scroll"><table class="${cls}"><thead><tr>${head}</tr></thead><tbody>${join(rows)}</tbody></table></div>`;
}

function badge(text: string, kind: string): Html {
  return html`<span class="badge ${kind}">${text}</span>`;
}

/** A time as two lines, the date above the clock: tables stay narrow enough for their summaries. */
function when(ms: number | null, otherwise = '–'): Html {
  if (ms === null) return html`<td class="time">${otherwise}</td>`;
  const [date, clock] = formatTime(ms).split(' ');
  return html`<td class="time"><span class="date">${date}</span>${clock}</td>`;
}

function node(address: string | null): Html {
  return address === null ? html`<span class="muted">?</span>` : html`<code>${address}</code>`;
}

export function failoverTable(timeline: ClusterTimeline): Html {
  const rows = timeline.failovers.map((one) => {
    const notes = [
      one.observedGap ? badge('seen after a gap', 'warning') : null,
      one.suppressed ? badge('held back', 'muted') : null,
    ].flatMap((note) => (note ? [html` ${note}`] : []));
    const outageNote = one.outageFrom === 'last-seen' ? ' (from last seen)' : '';
    return html`<tr>${when(one.at)}<td>${one.kind}${join(notes)}</td><td>${node(one.from)}<br>→ ${node(one.to)}</td><td>${one.firstSignType ?? '–'}<br><span class="muted">${one.firstSignAt === null ? '' : formatTime(one.firstSignAt)}</span></td><td class="num strong">${formatMs(one.outageMs)}${outageNote}</td><td class="num">${one.noMasterMs === null ? '–' : `up to ${formatMs(one.noMasterMs)}`}</td><td class="num">${formatMs(one.downDeclaredMs)}</td><td class="num">${formatMs(one.detectedMs)}</td></tr>`;
  });
  return table(
    [
      'When',
      'Kind',
      'From → to',
      'First sign',
      'Outage',
      'No master',
      'Down declared after',
      'Seen after registration',
    ],
    rows,
    'No failover or master restart in this range.',
  );
}

export function incidentTable(timeline: ClusterTimeline): Html {
  const rows = timeline.incidents.map((one) => {
    const status = one.open ? badge('open', 'open') : badge('resolved', 'resolved');
    const ack = one.acknowledgedBy
      ? html`${one.acknowledgedBy}<br><span class="muted">${formatTime(one.acknowledgedAt)}</span>`
      : html`<span class="muted">–</span>`;
    return html`<tr class="${one.open ? 'is-open' : ''}"><td>${status}<br>${badge(one.severity, one.severity)}</td><td><strong>${one.kind}</strong><br><span class="muted">${one.openedByType ?? 'before the range'}</span></td>${when(one.openedAt, 'before the range')}${one.open ? html`<td class="time"><strong>still open</strong></td>` : when(one.resolvedAt)}<td class="num">${formatMs(one.durationMs)}${one.open ? ' so far' : ''}</td><td>${ack}</td><td class="num">${one.reminders}</td><td class="text">${one.summary}${one.suppressed ? html` ${badge('held back', 'muted')}` : ''}<br><code class="key">${one.key}</code></td></tr>`;
  });
  return table(
    ['Status', 'Kind', 'Opened', 'Resolved', 'Duration', 'Acknowledged', 'Reminders', 'Summary'],
    rows,
    'No incident in this range.',
  );
}

export function remediationTable(timeline: ClusterTimeline): Html {
  const rows = timeline.remediation.map(
    (one) =>
      html`<tr>${when(one.startedAt)}<td>${node(one.target)}${one.instanceId ? html`<br><code class="muted">${one.instanceId}</code>` : ''}</td><td>${one.need ?? '–'}</td><td>${badge(one.outcome, `outcome-${one.outcome}`)}${one.dryRun ? html` ${badge('dry run', 'muted')}` : ''}</td><td class="num">${formatMs(one.durationMs)}${one.outcome === 'in-flight' ? ' so far' : ''}</td><td class="num">${one.attempt ?? '–'}</td><td class="text">${one.reason ?? ''}${one.retryable === false ? ' (not retried)' : ''}</td><td><code class="key">${one.actionId ?? '–'}</code></td></tr>`,
  );
  return table(
    ['Started', 'Node', 'Why', 'Outcome', 'Duration', 'Attempt', 'Reason', 'Action id'],
    rows,
    'No remediation in this range.',
  );
}

export function blockTable(timeline: ClusterTimeline): Html {
  const rows = timeline.blocks.map(
    (one) =>
      html`<tr>${when(one.at)}<td>${node(one.target)}</td><td>${one.need ?? '–'}</td><td>${badge(one.rule ?? '?', 'warning')}</td>${when(one.until, 'until it clears')}<td class="text">${one.summary}</td></tr>`,
  );
  return table(
    ['When', 'Node', 'Why', 'Rule', 'Blocked until', 'Summary'],
    rows,
    'No remediation was blocked.',
  );
}

export function deliveryTable(timeline: ClusterTimeline): Html {
  const rows = timeline.deliveryFailures.map(
    (one) =>
      html`<tr>${when(one.at)}<td><code>${one.channel ?? '?'}</code></td><td>${one.failedEventType ?? '?'}<br><code class="key">${one.failedEventId ?? ''}</code></td><td class="num">${one.attempts ?? '–'}</td><td class="text">${one.reason ?? ''}</td></tr>`,
  );
  return table(['When', 'Channel', 'Event not delivered', 'Attempts', 'Reason'], rows, 'No delivery failed.');
}

/** One recorded event as every channel presents it: title, summary, fact lines and steps, then the raw facts. */
function auditRow(event: MonitorEvent): Html {
  const view = describeEvent(event);
  const steps = view.steps.length
    ? html`<ol>${join(view.steps.map((step) => html`<li>${step}</li>`))}</ol>`
    : html``;
  const facts = view.facts.length
    ? html`<dl>${join(view.facts.map((fact) => html`<dt>${fact.label}</dt><dd>${fact.value}</dd>`))}</dl>`
    : html``;
  return html`<tr class="sev-${event.severity}">${when(Date.parse(event.at))}<td>${badge(event.severity, event.severity)}</td><td><strong>${event.type}</strong><br><span class="muted">${event.incidentAction ?? ''}</span></td><td class="text"><strong>${view.title}</strong><br>${event.summary}${event.suppressed ? html` ${badge('held back', 'muted')}` : ''}<details><summary>details</summary>${facts}${steps}<pre>${JSON.stringify(event.facts, null, 2)}</pre><code class="key">${event.incidentKey} · ${event.id}</code></details></td></tr>`;
}

export function auditTable(timeline: ClusterTimeline): Html {
  return table(
    ['Time', 'Severity', 'Event', 'Summary'],
    timeline.events.map(auditRow),
    'No event recorded in this range.',
    'audit',
  );
}
