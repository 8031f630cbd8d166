import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Agent } from 'undici';
import type { DeliverOptions } from '../../shared/notify/deliver.ts';
import { TeamsNotifier } from '../../shared/notify/teams/index.ts';
import { type HttpReceiver, startHttpReceiver } from '../support/http-receiver.ts';
import { T0 } from '../support/notify-events.ts';
import { committedEvents, deliverRound, INCIDENT_LIFE, sendEveryEventType } from '../support/outbox-round.ts';

/**
 * The Teams channel against a local stand-in for a Workflows webhook (it answers 202 as Power
 * Automate does), through the real outbox. The workflow URL carries its `sig=` signature, a secret.
 */

const SIG = 'Xk3pQ9vL2mN8rT5wY1zA7bC4dE6fG0hJ';
const WORKFLOW_PATH = '/workflows/6a1f/triggers/manual/paths/invoke';
describe('Teams through the outbox, against a local workflow webhook', () => {
  let receiver: HttpReceiver;
  let webhookUrl: string;
  const dispatcher = new Agent({ keepAliveTimeout: 500 });
  const reasons: string[] = [];

  before(async () => {
    receiver = await startHttpReceiver();
    webhookUrl = `${receiver.url}${WORKFLOW_PATH}?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`;
  });
  after(async () => {
    await dispatcher.close();
    await receiver.close();
    for (const reason of reasons)
      assert.ok(!reason.includes(SIG), `a reason leaks the workflow signature: ${reason}`);
  });

  const notifier = () => new TeamsNotifier({ channel: 'teams', webhookUrl, dispatcher });
  const round = (options: Omit<DeliverOptions, 'owner' | 'context'>) => deliverRound(options, reasons);
  const sent = (from: number) => receiver.requests.slice(from).map((request) => JSON.parse(request.raw));

  it('posts every event type to the workflow URL as its golden message', async () => {
    await sendEveryEventType(
      notifier(),
      'teams',
      () => receiver.requests,
      ({ type }, golden, [request]) => {
        assert.equal(request?.path, webhookUrl.slice(receiver.url.length), type);
        assert.match(String(request?.headers['content-type']), /^application\/json/);
        assert.deepEqual(JSON.parse(request?.raw ?? ''), golden, `${type} differs from its golden`);
      },
    );
  });

  it("delivers an incident's life in commit order, one card per event", async () => {
    const { cluster, store, events } = await committedEvents(INCIDENT_LIFE, ['teams']);
    const from = receiver.requests.length;
    const done = await round({ cluster, store, notifiers: [notifier()], now: () => T0 });
    assert.equal(done.delivered.length, events.length);
    const cards = sent(from).map((message) => message.attachments[0].content.body[0].items[0].text as string);
    assert.equal(cards.length, events.length);
    for (const [index, event] of events.entries()) {
      assert.ok(cards[index]?.includes(cluster), `card ${index} names the cluster`);
      assert.ok(event.type !== 'FAILOVER_COMPLETED' || /Failover completed/i.test(cards[index] ?? ''));
    }
    assert.deepEqual(await store.pendingDeliveries(cluster, 'teams', 10), []);
  });

  it('waits out a 429 for as long as Retry-After says, then delivers', async () => {
    const { cluster, store } = await committedEvents(['MASTER_DOWN'], ['teams']);
    receiver.answer({ status: 429, headers: { 'retry-after': '12' } });
    const first = await round({ cluster, store, notifiers: [notifier()], now: () => T0 });
    assert.equal(first.retrying[0]?.nextAttemptAt, T0 + 12_000);
    const early = await round({ cluster, store, notifiers: [notifier()], now: () => T0 + 11_000 });
    assert.equal(early.delivered.length, 0);
    const later = await round({ cluster, store, notifiers: [notifier()], now: () => T0 + 12_000 });
    assert.equal(later.delivered.length, 1);
  });

  for (const [status, reason] of [
    [400, /Teams workflow refused .*400.*a bug in dremio-ha-monitor/],
    [404, /Teams workflow refused .*404.*revoked, expired or wrong/],
    [403, /Teams workflow refused .*403.*fix the channel's secret/],
  ] as const) {
    it(`gives a ${status} up at once: failed after one attempt, never retried`, async () => {
      const { cluster, store } = await committedEvents(['MASTER_DOWN'], ['teams']);
      // A workflow that echoes its own URL in the error: the signature must not reach the reason.
      receiver.answer({ status, body: `{"error":{"message":"no workflow at ${webhookUrl}"}}` });
      const done = await round({ cluster, store, notifiers: [notifier()], now: () => T0 });
      assert.equal(done.failed.length, 1);
      assert.equal(done.failed[0]?.attempts, 1);
      assert.match(done.failed[0]?.lastError ?? '', reason);
      const again = await round({ cluster, store, notifiers: [notifier()], now: () => T0 + 3_600_000 });
      assert.equal(again.delivered.length + again.retrying.length, 0);
    });
  }
});
