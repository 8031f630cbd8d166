import { describe } from 'node:test';
import { EVENT_TYPES } from '../../../shared/events/types.ts';
import { renderPagerDutyEvent } from '../../../shared/notify/pagerduty/index.ts';
import { goldenFiles } from '../../support/golden.ts';
import { sampleContext, sampleEvent } from '../../support/notify-events.ts';

/**
 * What PagerDuty receives for every event type, without the routing key (the notifier adds it).
 * `null`: the event asks nothing of PagerDuty (a reminder, an info notice) and nothing is sent.
 */
describe('PagerDuty golden events', () => {
  const expected = new Map<string, unknown>();
  for (const type of EVENT_TYPES) {
    const event = sampleEvent(type);
    expected.set(type, renderPagerDutyEvent(event, sampleContext(event)));
  }
  goldenFiles('pagerduty', expected);
});
