import assert from 'node:assert/strict';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Agent } from 'undici';
import type { EventType } from '../../shared/events/types.ts';
import type { DeliverOptions } from '../../shared/notify/deliver.ts';
import type { DeliveryOutcome, Notification, Notifier } from '../../shared/notify/notifier.ts';
import { PagerDutyNotifier } from '../../shared/notify/pagerduty/index.ts';
import { T0 } from '../support/notify-events.ts';
import { committedEvents, deliverRound, INCIDENT_LIFE, sendEveryEventType } from '../support/outbox-round.ts';
import {
  type PagerDutyReceiver,
  ROUTING_KEY,
  startPagerDutyReceiver,
} from '../support/pagerduty-receiver.ts';

/**
 * The PagerDuty channel through the real outbox (planOutbox, a commit, deliverPending) against a
 * local Events API v2 receiver that checks every request against the documented schema.
 */

describe('PagerDuty through the outbox, against a local Events API v2', () => {
  let receiver: PagerDutyReceiver;
  const dispatcher = new Agent({ keepAliveTimeout: 500 });
  const reasons: string[] = [];

  before(async () => {
    receiver = await startPagerDutyReceiver();
  });
  after(async () => {
    await dispatcher.close();
    await receiver.close();
    for (const reason of reasons)
      assert.ok(!reason.includes(ROUTING_KEY), `a reason leaks the routing key: ${reason}`);
  });

  function notifier(routingKey = ROUTING_KEY): PagerDutyNotifier {
    return new PagerDutyNotifier({ channel: 'pager', routingKey, dispatcher, eventsUrl: receiver.eventsUrl });
  }

  const committed = (types: readonly EventType[], channels = ['pager']) => committedEvents(types, channels);
  const round = (options: Omit<DeliverOptions, 'owner' | 'context'>) => deliverRound(options, reasons);

  it('sends every event type as its golden request, with the routing key; nothing where the golden is null', async () => {
    await sendEveryEventType(
      notifier(),
      'pagerduty',
      () => receiver.requests,
      ({ type }, golden, requests) => {
        const [request, ...more] = requests;
        assert.equal(more.length, 0, type);
        if (golden === null) return assert.equal(request, undefined, `${type} sends nothing`);
        assert.equal(request?.answered, 202, `${type}: ${request?.invalid?.join('; ')}`);
        assert.deepEqual(
          JSON.parse(request?.raw ?? ''),
          { routing_key: ROUTING_KEY, ...(golden as object) },
          type,
        );
      },
    );
  });

  it("delivers an incident's life in order: trigger, trigger (escalation), acknowledge, resolve; the reminder sends nothing", async () => {
    const { cluster, store, events } = await committed(INCIDENT_LIFE);
    const before = receiver.requests.length;
    const done = await round({ cluster, store, notifiers: [notifier()], now: () => T0 });
    assert.equal(done.delivered.length, INCIDENT_LIFE.length);
    const sent = receiver.requests.slice(before);
    assert.deepEqual(
      sent.map((request) => [request.answered, request.event?.event_action]),
      [
        [202, 'trigger'],
        [202, 'trigger'],
        [202, 'acknowledge'],
        [202, 'resolve'],
      ],
    );
    const key = events[0]?.incidentKey ?? '';
    assert.ok(sent.every((request) => request.event?.dedup_key === key));
    const alert = receiver.alerts.get(key);
    assert.equal(alert?.status, 'resolved');
    assert.equal(alert?.events.length, 4);
    assert.deepEqual(await store.pendingDeliveries(cluster, 'pager', 10), []);
  });

  it('gives a refused event (400) up at once: failed after one attempt, never retried', async () => {
    const { cluster, store } = await committed(['MASTER_UNRESPONSIVE']);
    // A key of the wrong length: PagerDuty refuses the event with 400 `invalid event`.
    const done = await round({
      cluster,
      store,
      notifiers: [notifier('R0UT1NGKEY00000000000000000000000000WRONG')],
      now: () => T0,
    });
    assert.equal(done.failed.length, 1);
    assert.equal(done.failed[0]?.attempts, 1);
    assert.match(done.failed[0]?.lastError ?? '', /PagerDuty refused the delivery \(400 .*routingKey secret/);
    assert.equal(receiver.requests.at(-1)?.answered, 400);
    const again = await round({ cluster, store, notifiers: [notifier()], now: () => T0 + 60_000 });
    assert.equal(again.delivered.length + again.retrying.length + again.failed.length, 0);
  });

  it('retries a 429 after the Retry-After PagerDuty sent, then delivers', async () => {
    const { cluster, store } = await committed(['MASTER_UNRESPONSIVE']);
    receiver.answer({ kind: 'rate-limited', retryAfterSeconds: 7 });
    const first = await round({ cluster, store, notifiers: [notifier()], now: () => T0 });
    assert.equal(first.retrying.length, 1);
    assert.equal(first.retrying[0]?.nextAttemptAt, T0 + 7000);
    const early = await round({ cluster, store, notifiers: [notifier()], now: () => T0 + 6000 });
    assert.equal(early.delivered.length, 0, 'not before PagerDuty said');
    const later = await round({ cluster, store, notifiers: [notifier()], now: () => T0 + 7000 });
    assert.equal(later.delivered.length, 1);
    assert.equal(receiver.requests.at(-1)?.answered, 202);
  });

  it('an outage of PagerDuty delays nothing on another channel', async () => {
    const { cluster, store } = await committed(['MASTER_UNRESPONSIVE'], ['pager', 'chat']);
    // A PagerDuty that accepts connections and never answers: every attempt waits out its timeout.
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const hanging = new PagerDutyNotifier({
      channel: 'pager',
      routingKey: ROUTING_KEY,
      dispatcher,
      eventsUrl: `http://127.0.0.1:${port}/v2/enqueue`,
      timeoutMs: 1000,
    });
    let pagerAnswered = false;
    let chatServedWhilePagerWaited = false;
    const pager: Notifier = {
      channel: 'pager',
      async send(notification: Notification, signal: AbortSignal): Promise<DeliveryOutcome> {
        const outcome = await hanging.send(notification, signal);
        pagerAnswered = true;
        return outcome;
      },
    };
    const chat: Notifier = {
      channel: 'chat',
      async send(): Promise<DeliveryOutcome> {
        chatServedWhilePagerWaited = !pagerAnswered;
        return { kind: 'delivered' };
      },
    };
    try {
      const done = await round({ cluster, store, notifiers: [pager, chat], now: () => T0 });
      assert.deepEqual(
        done.delivered.map((delivery) => delivery.channel),
        ['chat'],
      );
      assert.deepEqual(
        done.retrying.map((delivery) => [delivery.channel, delivery.lastError]),
        [['pager', 'PagerDuty did not answer within 1000 ms']],
      );
      assert.ok(chatServedWhilePagerWaited, 'the chat message went out while PagerDuty was still awaited');
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });
});
