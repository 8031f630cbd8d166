import { clip } from '../../events/format.ts';
import { describeEvent, formatTime, type NotificationContext } from '../../events/present.ts';
import type { MonitorEvent } from '../../events/types.ts';

/**
 * Microsoft Teams through a Workflows webhook ("When a Teams webhook request is received"): the
 * message is an Adaptive Card in a `message` envelope. Pure. Office 365 connectors (MessageCard) are
 * being retired, so nothing here depends on them.
 */

/** Teams refuses a message of about 28 KB; the card stays under this many bytes of JSON. */
export const TEAMS_MAX_BYTES = 27_000;
const FACT_VALUE_MAX = 300;
const STEP_MAX = 600;

type CardElement = Readonly<Record<string, unknown>>;

export interface TeamsMessage {
  readonly type: 'message';
  readonly attachments: ReadonlyArray<{
    readonly contentType: 'application/vnd.microsoft.card.adaptive';
    readonly contentUrl: null;
    readonly content: CardElement;
  }>;
}

/** The card's container style and title colour, by how the message reads at a glance. */
const LOOK = {
  critical: { style: 'attention', color: 'Attention' },
  warning: { style: 'warning', color: 'Warning' },
  info: { style: 'accent', color: 'Accent' },
  resolved: { style: 'good', color: 'Good' },
  reminder: { style: 'warning', color: 'Warning' },
  acknowledged: { style: 'accent', color: 'Accent' },
} as const;

export function renderTeamsMessage(event: MonitorEvent, context: NotificationContext = {}): TeamsMessage {
  const full = card(event, context, Number.POSITIVE_INFINITY);
  const message = envelope(full);
  if (Buffer.byteLength(JSON.stringify(message)) <= TEAMS_MAX_BYTES) return message;
  // Too large for Teams (huge facts or steps): the same card with shorter values, then fewer facts.
  for (const facts of [Number.POSITIVE_INFINITY, 20, 5, 0]) {
    const smaller = envelope(card(event, context, facts, true));
    if (Buffer.byteLength(JSON.stringify(smaller)) <= TEAMS_MAX_BYTES) return smaller;
  }
  return envelope(minimalCard(event));
}

function envelope(content: CardElement): TeamsMessage {
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }],
  };
}

function card(
  event: MonitorEvent,
  context: NotificationContext,
  maxFacts: number,
  shorten = false,
): CardElement {
  const view = describeEvent(event, context);
  const look = LOOK[view.status];
  const value = (text: string, max: number) => (shorten ? clip(text, max) : text);
  const facts = [
    { title: 'Cluster', value: event.cluster },
    { title: 'When', value: formatTime(event.at) },
    ...view.facts.map((fact) => ({ title: fact.label, value: value(fact.value, FACT_VALUE_MAX) })),
    { title: 'Incident', value: `${event.incidentKey} (${event.incidentAction ?? 'event'})` },
  ];
  const shown = facts.length - 3 > maxFacts ? [...facts.slice(0, 2 + maxFacts), facts.at(-1)] : facts;
  const omitted = facts.length - shown.length;
  const body: CardElement[] = [
    {
      type: 'Container',
      style: look.style,
      bleed: true,
      items: [
        {
          type: 'TextBlock',
          text: `${view.statusLabel} · ${event.cluster}: ${view.title}`,
          weight: 'Bolder',
          size: 'Medium',
          color: look.color,
          wrap: true,
        },
      ],
    },
    { type: 'TextBlock', text: value(view.summary, STEP_MAX * 4), wrap: true },
    ...view.notes.map((note) => ({
      type: 'TextBlock',
      text: note,
      wrap: true,
      isSubtle: true,
      size: 'Small',
    })),
    { type: 'FactSet', facts: shown },
  ];
  if (omitted > 0) {
    body.push({
      type: 'TextBlock',
      text: `${omitted} more facts: dremio-ha-monitor events --cluster ${event.cluster}`,
      wrap: true,
      isSubtle: true,
      size: 'Small',
    });
  }
  if (view.steps.length > 0) {
    body.push({ type: 'TextBlock', text: 'What to do', weight: 'Bolder', wrap: true, spacing: 'Medium' });
    view.steps.forEach((step, index) => {
      body.push({
        type: 'TextBlock',
        text: `${index + 1}. ${value(step, STEP_MAX)}`,
        wrap: true,
        spacing: 'Small',
      });
    });
  }
  body.push({
    type: 'TextBlock',
    text: `${event.type} ${event.id}`,
    isSubtle: true,
    size: 'Small',
    wrap: true,
  });
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    msteams: { width: 'Full' },
    body,
    ...(view.links.length > 0
      ? { actions: view.links.map((link) => ({ type: 'Action.OpenUrl', title: link.label, url: link.url })) }
      : {}),
  };
}

/** The last resort for an event too large for anything else: its headline and where to read it. */
function minimalCard(event: MonitorEvent): CardElement {
  const view = describeEvent(event);
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    body: [
      { type: 'TextBlock', text: clip(view.headline, 500), weight: 'Bolder', wrap: true },
      {
        type: 'TextBlock',
        text: `Too large for Teams: dremio-ha-monitor events --cluster ${clip(event.cluster, 100)}`,
        wrap: true,
      },
    ],
  };
}
