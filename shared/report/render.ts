/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched (its
 * Content-Security-Policy forbids it), so it can be mailed, archived and opened offline.
 */
import { formatDuration } from '../events/format.ts';
import { anchorOf, formatTime, Html, html, join } from './html.ts';
import type { ClusterTimeline } from './model.ts';
import { renderLegend, renderTimelineSvg } from './svg.ts';
import {
  auditTable,
  blockTable,
  deliveryTable,
  failoverTable,
  incidentTable,
  remediationTable,
} from './tables.ts';

export interface ReportMeta {
  /** Epoch ms the report was made. */
  readonly generatedAt: number;
  /** The range asked for: since (null: the whole audit log) to until. */
  readonly since: number | null;
  readonly until: number;
  readonly title?: string;
}

const CSS = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1c2430;background:#f6f8fa}
h1{margin:0 0 4px;font-size:24px}
h2{margin:32px 0 8px;font-size:20px;border-bottom:2px solid #1f6fb2;padding-bottom:4px}
h3{margin:24px 0 8px;font-size:16px}
header p,.muted{color:#5b6b7b}
nav a{margin-right:12px}
section.cluster{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:8px 20px 20px;margin-top:24px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{border:1px solid #d8dee4;border-radius:6px;padding:8px 14px;min-width:140px;background:#fbfcfd}
.card b{display:block;font-size:20px}
.card.alert b{color:#c62828}
.scroll{overflow-x:auto}
svg.timeline{max-width:100%;height:auto;background:#fff}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#1c2430}
svg text.tick{font-size:11px;fill:#5b6b7b}
svg text.mark{font-size:10px;fill:#e65100}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:6px 0 0;color:#5b6b7b;font-size:12px}
.swatch{display:inline-flex;align-items:center;gap:5px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e3e8ee;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef2f6;font-weight:600;white-space:nowrap}
td.time{white-space:nowrap;font-variant-numeric:tabular-nums}
td.time .date{display:block;color:#5b6b7b;font-size:11px}
td.text{min-width:320px}
td.num{white-space:nowrap;text-align:right;font-variant-numeric:tabular-nums}
td.strong{font-weight:600}
tr.is-open td{background:#fff4f4}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:nowrap}
code.key{color:#5b6b7b;word-break:break-all;white-space:normal}
.badge{display:inline-block;padding:0 6px;border-radius:9px;font-size:11px;font-weight:600;border:1px solid transparent;white-space:nowrap}
.badge.critical,.badge.open,.badge.outcome-failed{background:#fdecea;color:#b71c1c;border-color:#f5c2c0}
.badge.warning{background:#fff3e0;color:#a64b00;border-color:#ffd8a8}
.badge.info,.badge.outcome-in-flight{background:#e8f1fb;color:#0d4a8a;border-color:#bcd6f2}
.badge.resolved,.badge.outcome-succeeded{background:#e8f5e9;color:#1b5e20;border-color:#b9dfbb}
.badge.muted,.badge.outcome-not-needed{background:#eceff1;color:#455a64;border-color:#d5dbe0}
table.audit tr.sev-critical td:first-child{border-left:3px solid #c62828}
table.audit tr.sev-warning td:first-child{border-left:3px solid #ef6c00}
details summary{cursor:pointer;color:#5b6b7b;font-size:12px}
pre{background:#f3f5f7;padding:8px;border-radius:4px;overflow-x:auto;font-size:12px;max-width:900px}
.empty{color:#5b6b7b;font-style:italic}
footer{margin-top:32px;color:#5b6b7b;font-size:12px}
`;

function cards(timeline: ClusterTimeline): Html {
  const current = timeline.masterPeriods.at(-1);
  const master = current?.ongoing ? current.address : timeline.noMaster.at(-1)?.ongoing ? 'none' : 'unknown';
  const noMasterMs = timeline.noMaster.reduce((sum, one) => sum + (one.to - one.from), 0);
  const failovers = timeline.failovers.filter((one) => one.kind === 'failover').length;
  const open = timeline.incidents.filter((one) => one.open).length;
  const failed = timeline.remediation.filter((one) => one.outcome === 'failed').length;
  const card = (label: string, value: string | number, alert = false) =>
    html`<div class="card${alert ? ' alert' : ''}"><b>${value}</b>${label}</div>`;
  return html`<div class="cards">${join([
    card(
      current?.ongoing ? `master since ${formatTime(current.from)}` : 'master at the end',
      master,
      master === 'none',
    ),
    card('failovers', failovers, failovers > 0),
    card('master restarts', timeline.failovers.length - failovers),
    card('without a master', formatDuration(noMasterMs), noMasterMs > 0),
    card(`incidents (${open} still open)`, timeline.incidents.length, open > 0),
    card(`restarts by the monitor (${failed} failed)`, timeline.remediation.length, failed > 0),
    card('delivery failures', timeline.deliveryFailures.length, timeline.deliveryFailures.length > 0),
    card('events', timeline.events.length),
  ])}</div>`;
}

function clusterSection(timeline: ClusterTimeline): Html {
  return html`<section class="cluster" id="${anchorOf(timeline.cluster)}">
<h2>Cluster ${timeline.cluster}</h2>
<p class="muted">${formatTime(timeline.since)} → ${formatTime(timeline.until)} (${formatDuration(timeline.until - timeline.since)})</p>
${cards(timeline)}
<h3>Master timeline</h3>
<div class="scroll">${renderTimelineSvg(timeline)}</div>
${renderLegend()}
<h3>Failovers and master restarts</h3>
<p class="muted">Outage: from the first sign of the incident (MASTER_UNRESPONSIVE or MASTER_DOWN) to the new master. No master: from the old master's last sighting to the new master's. Seen after registration: how long after the new master registered the monitor saw it.</p>
${failoverTable(timeline)}
<h3>Incidents</h3>
${incidentTable(timeline)}
<h3>Remediation</h3>
${remediationTable(timeline)}
<h4>Blocked restarts</h4>
${blockTable(timeline)}
<h3>Delivery failures</h3>
${deliveryTable(timeline)}
<h3>Audit log</h3>
${auditTable(timeline)}
</section>`;
}

/** The whole page: a header with the clusters and the range, then one section per cluster. */
export function renderReport(
  timelines: ClusterTimeline | readonly ClusterTimeline[],
  meta: ReportMeta,
): string {
  const list: readonly ClusterTimeline[] = Array.isArray(timelines)
    ? timelines
    : [timelines as ClusterTimeline];
  const title = meta.title ?? `Dremio HA report: ${list.map((one) => one.cluster).join(', ')}`;
  const range = `${meta.since === null ? 'the whole audit log' : formatTime(meta.since)} → ${formatTime(meta.until)}`;
  const nav =
    list.length > 1
      ? html`<nav>${join(list.map((one) => html`<a href="#${anchorOf(one.cluster)}">${one.cluster}</a>`))}</nav>`
      : html``;
  const sections =
    list.length > 0 ? join(list.map(clusterSection)) : html`<p class="empty">No cluster selected.</p>`;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="dremio-ha-monitor report">
<title>${title}</title>
<style>${new Html(CSS)}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p>Clusters: <strong>${list.map((one) => one.cluster).join(', ') || 'none'}</strong> · Range: ${range} · Generated ${formatTime(meta.generatedAt)} · times in UTC</p>
${nav}
</header>
${sections}
<footer>dremio-ha-monitor report. Hover a bar or a marker in a timeline for its times.</footer>
</body>
</html>
`;
  return page.markup;
}
