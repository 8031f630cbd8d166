import { describe } from 'node:test';
import { EVENT_TYPES } from '../../../shared/events/types.ts';
import {
  renderSlackAcknowledgedParent,
  renderSlackMessage,
  renderSlackResolvedParent,
} from '../../../shared/notify/slack/index.ts';
import { goldenFiles } from '../../support/golden.ts';
import { sampleContext, sampleEvent } from '../../support/notify-events.ts';

/**
 * The Slack message of every event type, as the webhook posts it (each file can be pasted into
 * Slack's Block Kit Builder, or posted with curl), and what the bot makes of an incident's first
 * message: with its Acknowledge button, once acknowledged, once resolved.
 */
describe('Slack golden messages', () => {
  const expected = new Map<string, unknown>();
  for (const type of EVENT_TYPES) {
    const event = sampleEvent(type);
    expected.set(type, renderSlackMessage(event, sampleContext(event)));
  }
  const opening = sampleEvent('MASTER_UNRESPONSIVE');
  expected.set(
    'bot-MASTER_UNRESPONSIVE-with-acknowledge-button',
    renderSlackMessage(opening, sampleContext(opening), { acknowledgeButton: true }),
  );
  expected.set(
    'chat.update-acknowledged-parent',
    renderSlackAcknowledgedParent(sampleEvent('INCIDENT_ACKNOWLEDGED')),
  );
  // The first message of the incident was posted at 23:00:30, when MASTER_UNRESPONSIVE opened it.
  const openedTs = `${Date.parse('2026-11-21T23:00:30Z') / 1000}.000100`;
  expected.set(
    'chat.update-resolved-parent',
    renderSlackResolvedParent(sampleEvent('FAILOVER_COMPLETED'), openedTs),
  );
  goldenFiles('slack', expected);
});
