import { describe } from 'node:test';
import { EVENT_TYPES } from '../../../shared/events/types.ts';
import { renderTeamsMessage } from '../../../shared/notify/teams/index.ts';
import { webhookEnvelope } from '../../../shared/notify/webhook/index.ts';
import { goldenFiles } from '../../support/golden.ts';
import { sampleContext, sampleEvent } from '../../support/notify-events.ts';

/** The Teams message (paste its card into the Adaptive Cards designer) of every event type. */
describe('Teams golden messages', () => {
  const expected = new Map<string, unknown>();
  for (const type of EVENT_TYPES) {
    const event = sampleEvent(type);
    expected.set(type, renderTeamsMessage(event, sampleContext(event)));
  }
  goldenFiles('teams', expected);
});

/** The body a webhook receiver gets for every event type (the signature is in a header). */
describe('webhook golden bodies', () => {
  const expected = new Map<string, unknown>();
  for (const type of EVENT_TYPES) {
    const event = sampleEvent(type);
    expected.set(type, webhookEnvelope(event, sampleContext(event)));
  }
  goldenFiles('webhook', expected);
});
