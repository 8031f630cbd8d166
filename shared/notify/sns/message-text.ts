import { describeEvent, headline, type NotificationContext, oneLineText } from '../../events/present.ts';
import type { MonitorEvent } from '../../events/types.ts';
import { fitLine, sanitizeSubject, toAsciiLine } from './ascii.ts';

/**
 * The texts of an SNS notification for people: the subject (email), the SMS line and the email
 * body, laid out from the one presentation of the event (events/present.ts) that Slack shares.
 */

export const SMS_MAX_LENGTH = 140;

/** The SNS `Subject` (used by email, and shown in the SQS/HTTPS envelope). */
export function subjectOf(event: MonitorEvent): string {
  return sanitizeSubject(headline(event));
}

/** The SMS: the headline and the summary on one ASCII line of at most SMS_MAX_LENGTH characters. */
export function smsOf(event: MonitorEvent): string {
  return fitLine(toAsciiLine(oneLineText(event)), SMS_MAX_LENGTH);
}

/** Width of the label column of the email's facts. */
const LABEL_WIDTH = 13;

/** `Label:      value`, the value one space after a label longer than the column. */
function row(label: string, value: string): string {
  const head = `${label}:`;
  return head.length >= LABEL_WIDTH ? `${head} ${value}` : `${head.padEnd(LABEL_WIDTH)}${value}`;
}

/**
 * The email body: the headline, the summary, why it did not page, the facts a person needs, the
 * steps and the links. Plain text, UTF-8.
 */
export function emailOf(event: MonitorEvent, context: NotificationContext): string {
  const view = describeEvent(event, context);
  const lines: string[] = [view.headline, '', view.summary];
  if (view.notes.length > 0) lines.push('', ...view.notes);
  lines.push(
    '',
    row('Cluster', event.cluster),
    row('Event', `${event.type} (${event.severity})`),
    row('When', event.at),
    ...view.facts.map((fact) => row(fact.label, fact.value)),
    row('Incident', `${event.incidentKey}${event.incidentAction ? ` (${event.incidentAction})` : ''}`),
  );
  if (view.steps.length > 0) {
    lines.push('', 'What to do:', ...view.steps.map((step, index) => `${index + 1}. ${step}`));
  }
  if (view.links.length > 0) lines.push('', ...view.links.map((link) => `${link.label}: ${link.url}`));
  lines.push(
    '',
    '--',
    `Event ${event.id} from dremio-ha-monitor. SQS, Lambda and HTTPS subscribers receive it as JSON.`,
  );
  return lines.join('\n');
}
