import {
  between,
  describeEvent,
  type EventView,
  formatDuration,
  formatTime,
  incidentName,
} from '../../events/present.ts';
import type { IncidentAction, MonitorEvent, Severity } from '../../events/types.ts';
import type { NotificationContext } from '../notifier.ts';

/** A Block Kit text object; always mrkdwn, `verbatim` so Slack links and mentions nothing on its own. */
export interface SlackText {
  readonly type: 'mrkdwn';
  readonly text: string;
  readonly verbatim: true;
}

/** A button; its click reaches the monitor's interaction endpoint (bot mode with a signing secret). */
export interface SlackButton {
  readonly type: 'button';
  readonly action_id: string;
  readonly text: { readonly type: 'plain_text'; readonly text: string };
  readonly value: string;
  readonly style?: 'primary' | 'danger';
}

export type SlackBlock =
  | { readonly type: 'section'; readonly text: SlackText }
  | { readonly type: 'section'; readonly fields: readonly SlackText[] }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] }
  | { readonly type: 'actions'; readonly elements: readonly SlackButton[] };

/** The action id of the Acknowledge button, as the interaction endpoint reads it. */
export const ACKNOWLEDGE_BUTTON_ACTION = 'acknowledge';

export interface SlackRenderOptions {
  /** An Acknowledge button on a message that opens or updates an incident. @default false */
  readonly acknowledgeButton?: boolean;
}

/** The message body shared by webhooks and `chat.postMessage` / `chat.update`. */
export interface SlackMessage {
  /** The notification and accessibility fallback: one line. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
  readonly unfurl_links: false;
  readonly unfurl_media: false;
}

export const SEVERITY_EMOJI: { readonly [S in Severity]: string } = {
  critical: ':red_circle:',
  warning: ':large_orange_circle:',
  info: ':large_blue_circle:',
};
export const RESOLVED_EMOJI = ':white_check_mark:';

// Slack's limits: section text 3000, a field 2000, 10 fields per section, context text 2000.
const SECTION_LIMIT = 3000;
const FIELD_LIMIT = 2000;
const FIELDS_PER_SECTION = 10;
const SUMMARY_LIMIT = 2000;
const LINK_LIMIT = 1400;
const STEP_LIMIT = 700;
const TEXT_LIMIT = 3000;

/**
 * Escapes Slack's three control characters. Every string that came from the cluster or the
 * configuration goes through it; only the link and date syntax built here stays unescaped.
 */
export function escapeSlack(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes, then cuts to `max` characters (with `…`) without splitting an entity. */
export function escapeFit(value: string, max: number): string {
  return cutEscaped(escapeSlack(value), max);
}

function cutEscaped(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  let cut = escaped.slice(0, max - 1);
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  // Never leave half a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * `<url|label>` for an http(s) URL; the URL's own control characters are encoded so they can
 * neither close the link nor start another one.
 */
export function slackLink(url: string, label: string): string {
  const safe = url
    .replace(/&/g, '&amp;')
    .replace(/</g, '%3C')
    .replace(/>/g, '%3E')
    .replace(/\|/g, '%7C')
    .replace(/\s/g, (c) => encodeURIComponent(c));
  return `<${safe}|${escapeFit(label, 200)}>`;
}

/** `<!date^…|…>`: each reader sees the time in their own time zone; the fallback is UTC. */
export function slackDate(iso: string): string {
  const time = Date.parse(iso);
  const fallback = escapeFit(formatTime(iso), 100);
  if (!Number.isFinite(time) || time < 0) return fallback;
  return `<!date^${Math.floor(time / 1000)}^{date_short_pretty} at {time_secs}|${fallback}>`;
}

function mrkdwn(text: string): SlackText {
  return { type: 'mrkdwn', text, verbatim: true };
}

export function emojiOf(event: MonitorEvent): string {
  if (event.incidentAction === 'resolve') return RESOLVED_EMOJI;
  return Object.hasOwn(SEVERITY_EMOJI, event.severity) ? SEVERITY_EMOJI[event.severity] : SEVERITY_EMOJI.info;
}

/** The Block Kit message for one event. Never throws on odd facts; every foreign string is escaped. */
export function renderSlackMessage(
  event: MonitorEvent,
  context: NotificationContext = {},
  options: SlackRenderOptions = {},
): SlackMessage {
  const view = describeEvent(event, context);
  const emoji = emojiOf(event);
  const blocks: SlackBlock[] = [
    section(`${emoji} *${headlineText(view, event)}*`),
    section(summaryText(view)),
    ...fieldSections(fieldsOf(view, event)),
  ];
  if (view.steps.length > 0) blocks.push(section(stepsText(view.steps)));
  const links = view.links
    .map((link) => slackLink(link.url, link.label))
    .filter((link) => link.length <= LINK_LIMIT);
  if (links.length > 0) blocks.push(section(links.join('  ·  ')));
  if (
    options.acknowledgeButton &&
    (event.incidentAction === 'open' || event.incidentAction === 'update') &&
    event.incidentKey.length <= 255
  ) {
    blocks.push({ type: 'actions', elements: [acknowledgeButton(event.incidentKey)] });
  }
  blocks.push(contextBlock(event));
  return {
    text: fallbackText(emoji, view, event),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
}

/**
 * What the first message of an incident becomes once the incident is resolved (bot mode,
 * `chat.update`): a resolved banner; the thread under it keeps every message of the incident.
 */
export function renderSlackResolvedParent(event: MonitorEvent, threadTs: string): SlackMessage {
  const name = incidentName(event);
  const title = `RESOLVED · ${event.cluster} · ${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  const openedAt = Number.parseFloat(threadTs);
  const openFor = Number.isFinite(openedAt)
    ? between(new Date(openedAt * 1000).toISOString(), event.at)
    : undefined;
  const fields = [
    mrkdwn(`*Resolved*\n${slackDate(event.at)}`),
    ...(openFor === undefined || openFor <= 0
      ? []
      : [mrkdwn(`*Open for*\n${escapeFit(formatDuration(openFor), 200)}`)]),
    mrkdwn(`*Resolved by*\n${escapeFit(event.type, 200)}`),
  ];
  return {
    text: escapeFit(`${RESOLVED_EMOJI} RESOLVED ${event.cluster}: ${name} - ${event.summary}`, TEXT_LIMIT),
    blocks: [
      section(`${RESOLVED_EMOJI} *${escapeFit(title, 300)}*`),
      section(escapeFit(event.summary, SUMMARY_LIMIT)),
      { type: 'section', fields },
      {
        type: 'context',
        elements: [
          mrkdwn(
            `Incident \`${escapeFit(event.incidentKey, 300)}\` · every message of the incident is in the thread`,
          ),
        ],
      },
    ],
    unfurl_links: false,
    unfurl_media: false,
  };
}

function acknowledgeButton(incidentKey: string): SlackButton {
  return {
    type: 'button',
    action_id: ACKNOWLEDGE_BUTTON_ACTION,
    text: { type: 'plain_text', text: 'Acknowledge' },
    value: incidentKey,
    style: 'primary',
  };
}

/**
 * What the first message of an incident becomes once someone acknowledged it (bot mode,
 * `chat.update`): who and when, in place of the Acknowledge button; the thread keeps every message.
 */
export function renderSlackAcknowledgedParent(event: MonitorEvent): SlackMessage {
  const name = incidentName(event);
  const facts = event.facts as { readonly by?: unknown; readonly reason?: unknown };
  const by = typeof facts.by === 'string' ? facts.by : 'someone';
  const reason = typeof facts.reason === 'string' ? facts.reason : '';
  const title = `ACKNOWLEDGED · ${event.cluster} · ${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  return {
    text: escapeFit(`:eyes: ACKNOWLEDGED by ${by} ${event.cluster}: ${name} - ${event.summary}`, TEXT_LIMIT),
    blocks: [
      section(`:eyes: *${escapeFit(title, 300)}*`),
      section(escapeFit(event.summary, SUMMARY_LIMIT)),
      {
        type: 'section',
        fields: [
          mrkdwn(`*Acknowledged by*\n${escapeFit(by, 200)}`),
          mrkdwn(`*At*\n${slackDate(event.at)}`),
          ...(reason ? [mrkdwn(`*Reason*\n${escapeFit(reason, 500)}`)] : []),
        ],
      },
      {
        type: 'context',
        elements: [
          mrkdwn(
            `Incident \`${escapeFit(event.incidentKey, 300)}\` · reminders stopped · every message of the incident is in the thread`,
          ),
        ],
      },
    ],
    unfurl_links: false,
    unfurl_media: false,
  };
}

/** Every section is built within Slack's limit; the cut is a last guard that keeps entities whole. */
function section(text: string): SlackBlock {
  return {
    type: 'section',
    text: mrkdwn(text.length > SECTION_LIMIT ? cutEscaped(text, SECTION_LIMIT) : text),
  };
}

function headlineText(view: EventView, event: MonitorEvent): string {
  return escapeFit(`${view.statusLabel} · ${event.cluster} · ${view.title}`, 400);
}

function summaryText(view: EventView): string {
  const notes = view.notes.map((note) => `\n_${escapeFit(note, 250)}_`).join('');
  return `${escapeFit(view.summary, SUMMARY_LIMIT)}${notes}`;
}

function fieldsOf(view: EventView, event: MonitorEvent): SlackText[] {
  const field = (label: string, value: string) =>
    mrkdwn(`*${escapeFit(label, 100)}*\n${escapeFit(value, FIELD_LIMIT - 110)}`);
  // The cluster is in the headline; the time reads in each reader's own time zone.
  const fields = [mrkdwn(`*When*\n${slackDate(event.at)}`)];
  if (view.status === 'resolved' || view.status === 'reminder' || view.status === 'acknowledged') {
    fields.push(field('Severity', event.severity));
  }
  for (const fact of view.facts) fields.push(field(fact.label, fact.value));
  return fields;
}

function fieldSections(fields: readonly SlackText[]): SlackBlock[] {
  const sections: SlackBlock[] = [];
  for (let start = 0; start < fields.length && sections.length < 3; start += FIELDS_PER_SECTION) {
    sections.push({ type: 'section', fields: fields.slice(start, start + FIELDS_PER_SECTION) });
  }
  return sections;
}

function stepsText(steps: readonly string[]): string {
  let text = '*What to do*';
  for (const [index, step] of steps.entries()) {
    const line = `\n${index + 1}. ${escapeFit(step, STEP_LIMIT)}`;
    if (text.length + line.length > SECTION_LIMIT - 2) return `${text}\n…`;
    text += line;
  }
  return text;
}

const INCIDENT_VERBS: { readonly [A in IncidentAction]: string } = {
  open: 'Opens incident',
  update: 'Updates incident',
  remind: 'Reminds of incident',
  acknowledge: 'Acknowledges incident',
  resolve: 'Resolves incident',
  notice: 'Notice',
};

function contextBlock(event: MonitorEvent): SlackBlock {
  const verb =
    event.incidentAction && Object.hasOwn(INCIDENT_VERBS, event.incidentAction)
      ? INCIDENT_VERBS[event.incidentAction]
      : 'Incident';
  return {
    type: 'context',
    elements: [
      mrkdwn(
        `${verb} \`${escapeFit(event.incidentKey, 300)}\` · ${escapeFit(event.type, 60)} \`${escapeFit(event.id, 60)}\` · dremio-ha-monitor`,
      ),
    ],
  };
}

function fallbackText(emoji: string, view: EventView, event: MonitorEvent): string {
  return `${emoji} ${escapeFit(`${view.statusLabel} ${event.cluster}: ${view.title} - ${view.summary}`.replace(/\s+/g, ' '), TEXT_LIMIT)}`;
}
