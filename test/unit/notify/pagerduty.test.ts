import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { Agent } from 'undici';
import { nodeOf } from '../../../shared/events/read.ts';
import type { HttpExchange } from '../../../shared/notify/http.ts';
import {
  classifyPagerDutyAnswer,
  DEDUP_KEY_MAX_CHARS,
  dedupKeyOf,
  PagerDutyNotifier,
  pagerDutyAction,
  renderPagerDutyEvent,
  SUMMARY_MAX_CHARS,
} from '../../../shared/notify/pagerduty/index.ts';
import { looseEvent } from '../../support/loose-event.ts';
import { sampleContext, sampleEvent } from '../../support/notify-events.ts';

describe('what each event asks of PagerDuty', () => {
  const cases = [
    ['MASTER_UNRESPONSIVE', 'trigger'],
    ['MASTER_DOWN', 'trigger'],
    ['FAILOVER_COMPLETED', 'resolve'],
    ['INCIDENT_ACKNOWLEDGED', 'acknowledge'],
    ['INCIDENT_REMINDER', null],
    ['DELIVERY_FAILED', 'trigger'],
    ['FLAPPING', 'trigger'],
    ['MAINTENANCE_STARTED', null],
    ['ZK_SESSION_RENEWED', null],
    ['REMEDIATION_STARTED', 'trigger'],
  ] as const;
  for (const [type, action] of cases) {
    it(`${type} -> ${action ?? 'nothing'}`, () => {
      assert.equal(pagerDutyAction(sampleEvent(type)), action);
    });
  }

  it('maps our severities onto PagerDuty severities', () => {
    for (const severity of ['critical', 'warning', 'info'] as const) {
      const event = { ...sampleEvent('COORDINATOR_DOWN'), severity };
      const rendered = renderPagerDutyEvent(event, {});
      assert.equal(rendered?.event_action === 'trigger' && rendered.payload.severity, severity);
    }
  });

  it('names the node the event is about as the component', () => {
    assert.equal(nodeOf(sampleEvent('MASTER_UNRESPONSIVE')), 'coord-a.corp');
    assert.equal(nodeOf(sampleEvent('COORDINATOR_DOWN')), 'coord-c.corp');
    assert.equal(nodeOf(sampleEvent('EXECUTORS_LOW')), undefined);
  });

  it('acknowledge and resolve carry only the dedup_key', () => {
    for (const type of ['INCIDENT_ACKNOWLEDGED', 'FAILOVER_COMPLETED'] as const) {
      const event = sampleEvent(type);
      const rendered = renderPagerDutyEvent(event, sampleContext(event));
      assert.deepEqual(Object.keys(rendered ?? {}).sort(), ['dedup_key', 'event_action']);
      assert.equal(rendered?.dedup_key, event.incidentKey);
    }
  });

  it('keeps any summary within 1,024 characters and any key within 255, the same for every event of an incident', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 3000 }),
        fc.string({ minLength: 1, maxLength: 600 }),
        (summary, key) => {
          const event = looseEvent({ ...sampleEvent('MASTER_DOWN'), summary, incidentKey: key });
          const rendered = renderPagerDutyEvent(event, {});
          assert.ok(rendered?.event_action === 'trigger');
          assert.ok(Array.from(rendered.payload.summary).length <= SUMMARY_MAX_CHARS);
          assert.ok(rendered.dedup_key.length <= DEDUP_KEY_MAX_CHARS);
          assert.equal(rendered.dedup_key, dedupKeyOf(key));
          if (key.length <= DEDUP_KEY_MAX_CHARS) assert.equal(rendered.dedup_key, key);
        },
      ),
    );
  });

  it('keeps two long keys that share their beginning apart', () => {
    const stem = 'x'.repeat(300);
    assert.notEqual(dedupKeyOf(`${stem}a`), dedupKeyOf(`${stem}b`));
  });
});

describe("PagerDuty's answers", () => {
  const answered = (statusCode: number, body = '', retryAfterMs?: number): HttpExchange => ({
    kind: 'answered',
    statusCode,
    body,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
  const cases: Array<[string, HttpExchange, string, RegExp?, number?]> = [
    ['202', answered(202, '{"status":"success"}'), 'delivered'],
    [
      '400 malformed',
      answered(400, '{"status":"invalid event","errors":["payload.summary is missing"]}'),
      'failed',
      /malformed: a bug/,
    ],
    [
      '400 routing key',
      answered(400, `{"errors":["Length of 'routing_key' is incorrect"]}`),
      'failed',
      /fix the channel's routingKey secret/,
    ],
    ['404', answered(404), 'failed', /check eventsUrl/],
    ['429 with Retry-After', answered(429, '', 30_000), 'retry', /rate-limited/, 30_000],
    ['429 without', answered(429), 'retry', /rate-limited/],
    ['500', answered(500), 'retry', /its side failed/],
    ['timeout', { kind: 'timeout', timeoutMs: 5000 }, 'retry', /did not answer within 5000 ms/],
    ['network', { kind: 'failed', code: 'ECONNREFUSED', message: 'refused' }, 'retry', /not reachable/],
  ];
  for (const [name, exchange, kind, reason, afterMs] of cases) {
    it(`${name} -> ${kind}`, () => {
      const outcome = classifyPagerDutyAnswer(exchange);
      assert.equal(outcome.kind, kind);
      if (reason) assert.match(outcome.kind === 'delivered' ? '' : outcome.reason, reason);
      assert.equal(outcome.kind === 'retry' ? outcome.afterMs : undefined, afterMs);
    });
  }
});

describe('the PagerDuty notifier', () => {
  const dispatcher = new Agent();
  const key = 'R0UT1NGKEY0000000000000000SECRET';
  after(() => dispatcher.close());

  it('refuses a routing key that is not one, without quoting it', () => {
    assert.throws(
      () => new PagerDutyNotifier({ channel: 'pd', routingKey: 'not a key!', dispatcher }),
      (error: Error) =>
        /routing key is not a PagerDuty integration key/.test(error.message) &&
        !error.message.includes('not a key!'),
    );
  });

  it('shows no routing key when printed or serialised', () => {
    const notifier = new PagerDutyNotifier({ channel: 'pd', routingKey: key, dispatcher });
    assert.ok(!inspect(notifier).includes(key));
    assert.ok(!JSON.stringify(notifier).includes(key));
  });

  it('sends nothing, and reports delivered, for an event that asks nothing of PagerDuty', async () => {
    const notifier = new PagerDutyNotifier({
      channel: 'pd',
      routingKey: key,
      dispatcher,
      // Nothing listens there: a request would fail.
      eventsUrl: 'http://127.0.0.1:9/v2/enqueue',
    });
    const event = sampleEvent('INCIDENT_REMINDER');
    const outcome = await notifier.send({ event, context: {} }, new AbortController().signal);
    assert.deepEqual(outcome, { kind: 'delivered' });
  });
});
