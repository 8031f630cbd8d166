/** The master timeline as inline SVG: one bar per node, colored while it was master. */
import { formatDuration } from '../events/format.ts';
import { formatTime, type Html, html, join } from './html.ts';
import type { ClusterTimeline, Interval, RemediationOutcome } from './model.ts';

export const COLORS = {
  master: '#1f6fb2',
  masterAssumed: '#8fb8dc',
  noMaster: '#c62828',
  splitBrain: '#7b1fa2',
  maintenance: '#f3e3a1',
  track: '#eceff1',
  failover: '#e65100',
  grid: '#cfd8dc',
  blocked: '#ef6c00',
} as const;

export const OUTCOME_COLORS: { readonly [O in RemediationOutcome]: string } = {
  succeeded: '#2e7d32',
  failed: '#c62828',
  'in-flight': '#1565c0',
  'not-needed': '#78909c',
};

const WIDTH = 1160;
const LABEL = 190;
const RIGHT = 24;
const TOP = 28;
const ROW = 30;
const BAR = 18;
const STEPS_MS = [
  1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10_080, 20_160, 43_200, 86_400, 172_800,
].map((minutes) => minutes * 60_000);

interface Row {
  readonly label: string;
  readonly y: number;
}

function rowsOf(timeline: ClusterTimeline): Row[] {
  const labels = [...timeline.nodes];
  labels.push('no master');
  if (timeline.splitBrain.length > 0) labels.push('split brain');
  return labels.map((label, index) => ({ label, y: TOP + index * ROW }));
}

/** A tick step that puts at most 10 ticks on the range. */
function tickStep(span: number): number {
  return STEPS_MS.find((step) => span / step <= 10) ?? (STEPS_MS.at(-1) as number);
}

function tickLabel(ms: number, span: number): string {
  const iso = new Date(ms).toISOString();
  const clock = iso.slice(11, 16);
  return span > 86_400_000 || ms % 86_400_000 === 0 ? `${iso.slice(5, 10)} ${clock}` : clock;
}

export function renderTimelineSvg(timeline: ClusterTimeline): Html {
  const { since, until } = timeline;
  const span = Math.max(until - since, 1);
  const plot = WIDTH - LABEL - RIGHT;
  const x = (t: number) => LABEL + ((Math.min(Math.max(t, since), until) - since) / span) * plot;
  // At least 3 px: a two-minute outage in a week must still show.
  const width = (interval: Interval) => Math.max(x(interval.to) - x(interval.from), 3);
  const rows = rowsOf(timeline);
  const rowOf = (label: string | null) => rows.find((row) => row.label === label);
  const bottom = TOP + rows.length * ROW;
  const height = bottom + 30;
  const bar = (row: Row | undefined, interval: Interval, color: string, title: string) =>
    row
      ? html`<rect x="${x(interval.from).toFixed(1)}" y="${row.y + (ROW - BAR) / 2}" width="${width(interval).toFixed(1)}" height="${BAR}" rx="3" fill="${color}"><title>${title}</title></rect>`
      : html``;
  const period = (interval: Interval & { ongoing: boolean }) =>
    `${formatTime(interval.from)} – ${interval.ongoing ? 'still at the end of the range' : formatTime(interval.to)} (${formatDuration(interval.to - interval.from)})`;

  // Labels at the edges are kept inside the picture.
  const anchor = (px: number) => (px > WIDTH - RIGHT - 30 ? 'end' : px < LABEL + 30 ? 'start' : 'middle');
  const step = tickStep(span);
  const ticks: Html[] = [];
  for (let t = Math.ceil(since / step) * step; t <= until; t += step) {
    ticks.push(
      html`<line x1="${x(t).toFixed(1)}" y1="${TOP - 4}" x2="${x(t).toFixed(1)}" y2="${bottom}" stroke="${COLORS.grid}" stroke-width="1"/><text x="${x(t).toFixed(1)}" y="${TOP - 9}" text-anchor="${anchor(x(t))}" class="tick">${tickLabel(t, span)}</text>`,
    );
  }
  const tracks = rows.map(
    (row) =>
      html`<text x="${LABEL - 10}" y="${row.y + ROW / 2 + 4}" text-anchor="end" class="node">${row.label}</text><rect x="${LABEL}" y="${row.y + (ROW - BAR) / 2}" width="${plot}" height="${BAR}" rx="3" fill="${COLORS.track}"/>`,
  );
  const maintenance = timeline.maintenance.map(
    (window) =>
      html`<rect x="${x(window.from).toFixed(1)}" y="${TOP}" width="${width(window).toFixed(1)}" height="${bottom - TOP}" fill="${COLORS.maintenance}" opacity="0.55"><title>Maintenance ${window.windowId}${window.owner ? ` (${window.owner})` : ''}: ${period(window)}</title></rect>`,
  );
  const masters = timeline.masterPeriods.map((one) =>
    bar(
      rowOf(one.address),
      one,
      one.fromKnown ? COLORS.master : COLORS.masterAssumed,
      `${one.address} master ${one.fromKnown ? '' : '(already before) '}${period(one)}${one.endedBy ? `; ended by ${one.endedBy}` : ''}`,
    ),
  );
  const absent = timeline.noMaster.map((one) =>
    bar(rowOf('no master'), one, COLORS.noMaster, `No master registered ${period(one)}`),
  );
  const split = timeline.splitBrain.map((one) =>
    bar(rowOf('split brain'), one, COLORS.splitBrain, `Split brain ${period({ ...one, ongoing: false })}`),
  );
  const failovers = timeline.failovers.map(
    (one) =>
      html`<line x1="${x(one.at).toFixed(1)}" y1="${TOP}" x2="${x(one.at).toFixed(1)}" y2="${bottom + 6}" stroke="${COLORS.failover}" stroke-width="2" stroke-dasharray="4 3"><title>${one.kind === 'failover' ? 'Failover' : 'Restart'} ${one.from ?? '?'} -> ${one.to ?? '?'} at ${formatTime(one.at)}</title></line><text x="${x(one.at).toFixed(1)}" y="${bottom + 20}" text-anchor="middle" class="mark">${one.kind === 'failover' ? 'failover' : 'restart'}</text>`,
  );
  const actions = timeline.remediation.flatMap((action) => {
    const row = rowOf(action.target);
    const at = action.startedAt ?? action.endedAt;
    if (!row || at === null) return [];
    const cy = row.y + ROW / 2;
    const end = action.endedAt ?? (action.outcome === 'in-flight' ? until : at);
    const color = OUTCOME_COLORS[action.outcome];
    const title = `Restart of ${action.target}${action.dryRun ? ' (dry run)' : ''}: ${action.outcome}${action.reason ? ` (${action.reason})` : ''}, started ${formatTime(action.startedAt)}`;
    return [
      html`<g><title>${title}</title><line x1="${x(at).toFixed(1)}" y1="${cy}" x2="${x(end).toFixed(1)}" y2="${cy}" stroke="${color}" stroke-width="3"/><circle cx="${x(at).toFixed(1)}" cy="${cy}" r="6" fill="${color}" stroke="#fff" stroke-width="1.5"/></g>`,
    ];
  });
  const blocks = timeline.blocks.flatMap((block) => {
    const row = rowOf(block.target);
    if (!row) return [];
    const cx = x(block.at);
    const top = row.y + 3;
    return [
      html`<path d="M${(cx - 6).toFixed(1)} ${top} L${(cx + 6).toFixed(1)} ${top} L${cx.toFixed(1)} ${top + 10} Z" fill="${COLORS.blocked}"><title>${block.summary}</title></path>`,
    ];
  });
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="Master timeline of ${timeline.cluster}">${join(maintenance)}${join(ticks)}${join(tracks)}${join(masters)}${join(absent)}${join(split)}${join(failovers)}${join(actions)}${join(blocks)}<text x="${LABEL}" y="${height - 2}" class="tick">${formatTime(since)}</text><text x="${WIDTH - RIGHT}" y="${height - 2}" text-anchor="end" class="tick">${formatTime(until)}</text></svg>`;
}

/** The legend under the timeline, as HTML (swatches are inline SVG too). */
export function renderLegend(): Html {
  const swatch = (color: string, label: string, shape: 'bar' | 'dot' | 'tri' | 'dash' = 'bar') => {
    const mark =
      shape === 'dot'
        ? html`<circle cx="9" cy="7" r="5" fill="${color}"/>`
        : shape === 'tri'
          ? html`<path d="M3 2 L15 2 L9 12 Z" fill="${color}"/>`
          : shape === 'dash'
            ? html`<line x1="9" y1="0" x2="9" y2="14" stroke="${color}" stroke-width="2" stroke-dasharray="4 3"/>`
            : html`<rect x="0" y="2" width="18" height="10" rx="2" fill="${color}"/>`;
    return html`<span class="swatch"><svg width="18" height="14" aria-hidden="true">${mark}</svg>${label}</span>`;
  };
  return html`<div class="legend">${join([
    swatch(COLORS.master, 'master'),
    swatch(COLORS.masterAssumed, 'master (since before the range)'),
    swatch(COLORS.noMaster, 'no master registered'),
    swatch(COLORS.splitBrain, 'split brain'),
    swatch(COLORS.maintenance, 'maintenance'),
    swatch(COLORS.failover, 'failover / restart', 'dash'),
    swatch(OUTCOME_COLORS.succeeded, 'restart succeeded', 'dot'),
    swatch(OUTCOME_COLORS.failed, 'restart failed', 'dot'),
    swatch(OUTCOME_COLORS['in-flight'], 'restart in flight', 'dot'),
    swatch(COLORS.blocked, 'restart blocked', 'tri'),
  ])}</div>`;
}
