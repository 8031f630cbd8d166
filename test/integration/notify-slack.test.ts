import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Agent } from 'undici';
import type { MonitorEvent } from '../../shared/events/types.ts';
import type { DeliveryOutcome, Notification } from '../../shared/notify/notifier.ts';
import {
  renderSlackMessage,
  SlackBotNotifier,
  SlackWebhookNotifier,
} from '../../shared/notify/slack/index.ts';
import { sampleContext, sampleEvent } from '../support/notify-events.ts';
import { freePort } from '../support/ports.ts';
import { type ReceivedRequest, type SlackReceiver, startSlackReceiver } from '../support/slack-receiver.ts';

const never = () => new AbortController().signal;

function bodyOf(request: ReceivedRequest | undefined): Record<string, unknown> {
  const body = request?.body;
  assert.ok(typeof body === 'object' && body !== null && !Array.isArray(body), 'a JSON object body');
  return body as Record<string, unknown>;
}

function notification(event: MonitorEvent, thread?: string): Notification {
  return { event, context: sampleContext(event), ...(thread === undefined ? {} : { thread }) };
}

/** Every outcome of this file, to prove no secret ever reached one. */
const outcomes: DeliveryOutcome[] = [];
function keep(outcome: DeliveryOutcome): DeliveryOutcome {
  outcomes.push(outcome);
  return outcome;
}

describe('Slack webhook against a local receiver', () => {
  let receiver: SlackReceiver;
  let dispatcher: Agent;
  let notifier: SlackWebhookNotifier;
  const printed: string[] = [];

  before(async () => {
    receiver = await startSlackReceiver({ print: (text) => printed.push(text) });
    dispatcher = new Agent({ connect: { timeout: 1000 }, keepAliveTimeout: 500 });
    notifier = new SlackWebhookNotifier({
      channel: 'oncall-slack',
      webhookUrl: receiver.webhookUrl,
      dispatcher,
      timeoutMs: 400,
    });
  });
  beforeEach(() => receiver.reset());
  after(async () => {
    await dispatcher.close();
    await receiver.close();
    const secret = new URL(receiver.webhookUrl);
    for (const outcome of outcomes) {
      const text = JSON.stringify(outcome);
      assert.ok(!text.includes(secret.pathname), `an outcome leaks the webhook: ${text}`);
      assert.ok(
        !text.includes(secret.pathname.split('/').at(-1) ?? '-'),
        `an outcome leaks the webhook: ${text}`,
      );
    }
  });

  it('posts the Block Kit message as JSON and reports it delivered', async () => {
    const event = sampleEvent('FAILOVER_COMPLETED');
    const outcome = keep(await notifier.send(notification(event), never()));
    assert.deepEqual(outcome, { kind: 'delivered' });
    const [request] = await receiver.waitForRequests(1);
    assert.ok(request);
    assert.equal(request.method, 'POST');
    assert.equal(request.path, new URL(receiver.webhookUrl).pathname);
    assert.match(String(request.headers['content-type']), /^application\/json/);
    assert.deepEqual(
      request.body,
      JSON.parse(JSON.stringify(renderSlackMessage(event, sampleContext(event)))),
    );
    assert.ok(
      printed.some((text) =>
        text.includes('✅ RESOLVED · prod · Failover completed: coord-a.corp -> coord-b.corp'),
      ),
    );
  });

  it('retries a 429 after the Retry-After Slack sent', async () => {
    receiver.answer({ kind: 'rate-limited', retryAfterSeconds: 7 });
    const outcome = keep(await notifier.send(notification(sampleEvent('MASTER_DOWN')), never()));
    assert.equal(outcome.kind, 'retry');
    assert.equal(outcome.kind === 'retry' && outcome.afterMs, 7000);
  });

  it('retries a 500', async () => {
    receiver.answer({ kind: 'status', status: 500, body: 'internal_error' });
    const outcome = keep(await notifier.send(notification(sampleEvent('MASTER_DOWN')), never()));
    assert.equal(outcome.kind, 'retry');
    assert.match(outcome.kind === 'retry' ? outcome.reason : '', /500 internal_error/);
  });

  it('gives up on a hanging webhook within its timeout, to retry', async () => {
    receiver.answer({ kind: 'hang' });
    const started = performance.now();
    const outcome = keep(await notifier.send(notification(sampleEvent('MASTER_DOWN')), never()));
    const elapsed = performance.now() - started;
    assert.deepEqual(outcome, { kind: 'retry', reason: 'Slack webhook did not answer within 400 ms' });
    assert.ok(elapsed >= 350 && elapsed < 1400, `took ${elapsed} ms`);
  });

  it('stops at once when the caller aborts', async () => {
    receiver.answer({ kind: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const outcome = keep(await notifier.send(notification(sampleEvent('MASTER_DOWN')), controller.signal));
    assert.equal(outcome.kind, 'retry');
    assert.match(outcome.kind === 'retry' ? outcome.reason : '', /cancelled/);
  });

  it('fails a revoked webhook (404 no_service) as a configuration problem', async () => {
    const revoked = new SlackWebhookNotifier({
      channel: 'oncall-slack',
      webhookUrl: `${receiver.url}/services/T0000TEST/B0000TEST/RevokedLongAgo0000000000`,
      dispatcher,
    });
    const outcome = keep(await revoked.send(notification(sampleEvent('MASTER_DOWN')), never()));
    assert.deepEqual(outcome, {
      kind: 'failed',
      reason:
        "Slack rejected the webhook (404 no_service): the webhook URL is revoked or wrong; fix the channel's secret",
    });
  });

  it('retries when nothing listens, without naming the webhook', async () => {
    const port = await freePort();
    const closed = new SlackWebhookNotifier({
      channel: 'oncall-slack',
      webhookUrl: `http://127.0.0.1:${port}/services/T0000TEST/B0000TEST/Zx8QpW3rTy6UoI9aSd2FgH4j`,
      dispatcher,
    });
    const outcome = keep(await closed.send(notification(sampleEvent('MASTER_DOWN')), never()));
    assert.equal(outcome.kind, 'retry');
    assert.match(
      outcome.kind === 'retry' ? outcome.reason : '',
      /^Slack webhook not reachable \(ECONNREFUSED\)/,
    );
  });
});

describe('Slack bot (Web API) against a local receiver', () => {
  let receiver: SlackReceiver;
  let dispatcher: Agent;
  let notifier: SlackBotNotifier;

  before(async () => {
    receiver = await startSlackReceiver();
    dispatcher = new Agent({ connect: { timeout: 1000 }, keepAliveTimeout: 500 });
    notifier = new SlackBotNotifier({
      channel: 'oncall-slack',
      token: receiver.token,
      channelId: 'C0TESTCHAN1',
      dispatcher,
      apiBaseUrl: receiver.apiBaseUrl,
      timeoutMs: 400,
    });
  });
  beforeEach(() => receiver.reset());
  after(async () => {
    await dispatcher.close();
    await receiver.close();
    for (const outcome of outcomes) assert.ok(!JSON.stringify(outcome).includes(receiver.token));
  });

  /** Posts the first message of the master incident; returns its ts. */
  async function open(): Promise<string> {
    const outcome = keep(await notifier.send(notification(sampleEvent('MASTER_UNRESPONSIVE')), never()));
    assert.equal(outcome.kind, 'delivered');
    assert.ok(outcome.kind === 'delivered' && outcome.thread);
    return outcome.thread;
  }

  it('threads the events of an incident under its first message and marks it resolved at the end', async () => {
    const thread = await open();
    const first = receiver.requests[0];
    assert.equal(first?.apiMethod, 'chat.postMessage');
    assert.equal(first?.headers.authorization, `Bearer ${receiver.token}`);
    const firstBody = bodyOf(first);
    assert.equal(firstBody.channel, 'C0TESTCHAN1');
    assert.equal(firstBody.thread_ts, undefined);
    assert.ok(receiver.messages.has(thread));

    const down = keep(await notifier.send(notification(sampleEvent('MASTER_DOWN'), thread), never()));
    assert.deepEqual(down, { kind: 'delivered', thread });
    const reply = bodyOf(receiver.requests[1]);
    assert.equal(reply.thread_ts, thread);
    assert.equal(reply.reply_broadcast, true);

    const ack = keep(
      await notifier.send(notification(sampleEvent('INCIDENT_ACKNOWLEDGED'), thread), never()),
    );
    assert.deepEqual(ack, { kind: 'delivered', thread });
    // The acknowledgement first turns the first message into a banner saying who took it.
    const [acknowledgedParent, ackReply] = receiver.requests.slice(2);
    assert.equal(acknowledgedParent?.apiMethod, 'chat.update');
    assert.equal(bodyOf(acknowledgedParent).ts, thread);
    assert.match(String(bodyOf(acknowledgedParent).text), /ACKNOWLEDGED by alice prod/);
    assert.equal(bodyOf(ackReply).reply_broadcast, false);

    const resolved = keep(
      await notifier.send(notification(sampleEvent('FAILOVER_COMPLETED'), thread), never()),
    );
    assert.deepEqual(resolved, { kind: 'delivered', thread });
    const [update, last] = receiver.requests.slice(4);
    assert.equal(update?.apiMethod, 'chat.update');
    assert.equal(bodyOf(update).ts, thread);
    assert.equal(last?.apiMethod, 'chat.postMessage');
    assert.equal(bodyOf(last).thread_ts, thread);

    const parent = receiver.messages.get(thread);
    assert.equal(parent?.updates, 2);
    assert.match(parent?.text ?? '', /^:white_check_mark: RESOLVED prod: master incident/);
    const replies = [...receiver.messages.values()].filter((message) => message.threadTs === thread);
    assert.equal(replies.length, 3);
  });

  it('retries a rate limit (HTTP 429 or ok:false ratelimited) after Retry-After', async () => {
    receiver.answer({ kind: 'rate-limited', retryAfterSeconds: 2 });
    const http = keep(await notifier.send(notification(sampleEvent('MASTER_DOWN')), never()));
    assert.equal(http.kind === 'retry' && http.afterMs, 2000);
    receiver.answer({ kind: 'api-error', error: 'ratelimited', retryAfterSeconds: 3 });
    const body = keep(await notifier.send(notification(sampleEvent('MASTER_DOWN')), never()));
    assert.equal(body.kind === 'retry' && body.afterMs, 3000);
  });

  it('fails what configuration must fix, and retries the rest', async () => {
    const cases: Array<[string, DeliveryOutcome['kind']]> = [
      ['not_in_channel', 'failed'],
      ['channel_not_found', 'failed'],
      ['invalid_auth', 'failed'],
      ['account_inactive', 'failed'],
      ['token_revoked', 'failed'],
      ['internal_error', 'retry'],
    ];
    for (const [error, kind] of cases) {
      receiver.answer({ kind: 'api-error', error });
      const outcome = keep(await notifier.send(notification(sampleEvent('MASTER_DOWN')), never()));
      assert.equal(outcome.kind, kind, error);
      assert.ok(outcome.kind !== 'delivered' && outcome.reason.includes(`(${error})`));
    }
    receiver.answer({ kind: 'status', status: 503, body: 'upstream' });
    assert.equal(keep(await notifier.send(notification(sampleEvent('MASTER_DOWN')), never())).kind, 'retry');
  });

  it('fails a wrong token as the receiver answers invalid_auth', async () => {
    const wrong = new SlackBotNotifier({
      channel: 'oncall-slack',
      token: 'xoxb-wrong-token-0000',
      channelId: 'C0TESTCHAN1',
      dispatcher,
      apiBaseUrl: receiver.apiBaseUrl,
    });
    const outcome = keep(await wrong.send(notification(sampleEvent('MASTER_DOWN')), never()));
    assert.equal(outcome.kind, 'failed');
    assert.match(outcome.kind === 'failed' ? outcome.reason : '', /invalid_auth.*fix the channel's secret/);
    assert.ok(!JSON.stringify(outcome).includes('xoxb-wrong-token-0000'));
  });

  it('gives up on a hanging API within its timeout, to retry', async () => {
    receiver.answer({ kind: 'hang' });
    const started = performance.now();
    const outcome = keep(await notifier.send(notification(sampleEvent('MASTER_DOWN')), never()));
    assert.deepEqual(outcome, {
      kind: 'retry',
      reason: 'Slack chat.postMessage did not answer within 400 ms',
    });
    assert.ok(performance.now() - started < 1400);
  });

  it('posts nothing when the update of the first message must be retried', async () => {
    const thread = await open();
    receiver.answer({ kind: 'api-error', error: 'ratelimited', retryAfterSeconds: 1 });
    const outcome = keep(
      await notifier.send(notification(sampleEvent('FAILOVER_COMPLETED'), thread), never()),
    );
    assert.equal(outcome.kind, 'retry');
    assert.deepEqual(
      receiver.requests.map((request) => request.apiMethod),
      ['chat.postMessage', 'chat.update'],
    );
    // The retry updates again (harmless) and posts the reply once.
    assert.deepEqual(
      keep(await notifier.send(notification(sampleEvent('FAILOVER_COMPLETED'), thread), never())),
      { kind: 'delivered', thread },
    );
    assert.equal([...receiver.messages.values()].filter((message) => message.threadTs === thread).length, 1);
  });

  it('still posts the resolve when the first message cannot be edited any more', async () => {
    const thread = await open();
    receiver.messages.delete(thread);
    receiver.messages.set(thread, { ts: thread, channel: 'C0OTHER', text: '', blocks: [], updates: 0 });
    const outcome = keep(await notifier.send(notification(sampleEvent('MASTER_RETURNED'), thread), never()));
    assert.deepEqual(outcome, { kind: 'delivered', thread });
    assert.deepEqual(
      receiver.requests.slice(1).map((request) => request.apiMethod),
      ['chat.update', 'chat.postMessage'],
    );
    assert.equal(receiver.messages.get(thread)?.updates, 0, 'the update answered message_not_found');
  });
});
