import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { describeEvent } from '../../shared/events/present.ts';
import { EVENT_TYPES, type EventType } from '../../shared/events/types.ts';
import type { Notification } from '../../shared/notify/notifier.ts';
import {
  buildPublishInput,
  type SnsEventMessage,
  type SnsMessageForms,
  SnsNotifier,
} from '../../shared/notify/sns/index.ts';
import { startTestSns, TEST_CREDENTIALS, type TestSns } from '../support/fauxqs.ts';
import { sampleNotification } from '../support/notify-events.ts';
import { freePort } from '../support/ports.ts';

const SAMPLES = Object.fromEntries(EVENT_TYPES.map((type) => [type, sampleNotification(type)])) as Record<
  EventType,
  Notification
>;

/** The filter policies of docs/notifications.md#filter-policies. */
const CRITICAL = { severity: ['critical'] };
const ONE_CLUSTER = { cluster: ['prod'] };
const FAILOVERS = { eventType: ['FAILOVER_COMPLETED'] };

const signal = () => AbortSignal.timeout(5000);

/**
 * The `sqs` form from an envelope's Message. AWS delivers only the `sqs` value of a
 * `MessageStructure: 'json'` message; fauxqs 1.x passes the whole structure, which lets the test
 * see the other forms too (`forms` is undefined once an emulator does what AWS does).
 */
function readMessage(message: string): { json: SnsEventMessage; forms?: SnsMessageForms } {
  const parsed = JSON.parse(message) as SnsEventMessage | SnsMessageForms;
  if ('version' in parsed) return { json: parsed };
  return { json: JSON.parse(parsed.sqs) as SnsEventMessage, forms: parsed };
}

describe('SnsNotifier against fauxqs', () => {
  let sns: TestSns;
  before(async () => {
    sns = await startTestSns();
  });
  after(async () => {
    await sns?.close();
  });

  it('delivers every event type: the subscription sees the subject, attributes and both message forms', async () => {
    const topicArn = await sns.createTopic('alerts');
    const envelopes = await sns.subscribeQueue(topicArn, 'alerts-envelope');
    const raw = await sns.subscribeQueue(topicArn, 'alerts-raw', { raw: true });
    const notifier = new SnsNotifier({ channel: 'pager-sns', topicArn, client: sns.sns });

    const threads: string[] = [];
    for (const type of EVENT_TYPES) {
      const outcome = await notifier.send(SAMPLES[type], signal());
      assert.equal(outcome.kind, 'delivered', JSON.stringify(outcome));
      assert.ok(outcome.kind === 'delivered' && outcome.thread);
      threads.push(outcome.thread);
    }

    const received = await envelopes.drainEnvelopes();
    assert.equal(received.length, EVENT_TYPES.length);
    for (const [index, type] of EVENT_TYPES.entries()) {
      const { event, context } = SAMPLES[type];
      const envelope = received[index];
      assert.ok(envelope);
      const input = buildPublishInput(SAMPLES[type], topicArn);
      assert.equal(envelope.Type, 'Notification');
      assert.equal(envelope.TopicArn, topicArn);
      assert.equal(envelope.MessageId, threads[index]);
      assert.equal(envelope.Subject, input.Subject);
      assert.deepEqual(envelope.MessageAttributes, {
        cluster: { Type: 'String', Value: event.cluster },
        eventType: { Type: 'String', Value: type },
        severity: { Type: 'String', Value: event.severity },
        ...(event.incidentAction ? { incidentAction: { Type: 'String', Value: event.incidentAction } } : {}),
      });
      const { json, forms } = readMessage(envelope.Message);
      assert.deepEqual(json, { version: 1, event, context });
      if (forms) {
        assert.ok(forms.email.startsWith(`${describeEvent(event, context).headline}\n`));
        assert.ok(forms.email.includes(`Incident:    ${event.incidentKey}`));
        assert.ok(forms.sms.length <= 140);
      }
    }

    const rawMessages = await raw.drain();
    assert.equal(rawMessages.length, EVENT_TYPES.length);
    const failover = rawMessages[EVENT_TYPES.indexOf('FAILOVER_COMPLETED')];
    assert.ok(failover);
    assert.deepEqual(readMessage(failover.body).json.event, SAMPLES.FAILOVER_COMPLETED.event);
    assert.deepEqual(failover.attributes, {
      cluster: 'prod',
      eventType: 'FAILOVER_COMPLETED',
      severity: 'critical',
      incidentAction: 'resolve',
    });
    const email = readMessage(failover.body).forms?.email ?? '';
    if (email) assert.match(email, /^Old master: {2}coord-a\.corp \(fabric 45678\)$/m);
  });

  it('publishes to a FIFO topic with the cluster as group and the event id as deduplication id', async () => {
    const topicArn = await sns.createTopic('alerts.fifo');
    const queue = await sns.subscribeQueue(topicArn, 'alerts-fifo');
    const notifier = new SnsNotifier({ channel: 'pager-sns-fifo', topicArn, client: sns.sns });
    const sent = [SAMPLES.MASTER_DOWN, SAMPLES.FAILOVER_COMPLETED, SAMPLES.MASTER_DOWN];
    for (const notification of sent) {
      assert.equal((await notifier.send(notification, signal())).kind, 'delivered');
    }
    const received = await queue.drainEnvelopes();
    assert.deepEqual(
      received.map((envelope) => [envelope.groupId, envelope.deduplicationId, envelope.Subject]),
      [
        ['prod', SAMPLES.MASTER_DOWN.event.id, buildPublishInput(SAMPLES.MASTER_DOWN, topicArn).Subject],
        [
          'prod',
          SAMPLES.FAILOVER_COMPLETED.event.id,
          buildPublishInput(SAMPLES.FAILOVER_COMPLETED, topicArn).Subject,
        ],
      ],
      'the redelivered MASTER_DOWN is dropped by deduplication',
    );
  });

  it('routes by the filter policies docs/notifications.md gives', async () => {
    const topicArn = await sns.createTopic('filtered');
    const critical = await sns.subscribeQueue(topicArn, 'critical', { filterPolicy: CRITICAL });
    const prod = await sns.subscribeQueue(topicArn, 'prod-only', { filterPolicy: ONE_CLUSTER });
    const failovers = await sns.subscribeQueue(topicArn, 'failovers', { filterPolicy: FAILOVERS });
    const notifier = new SnsNotifier({ channel: 'filtered', topicArn, client: sns.sns });
    const staging: Notification = {
      ...SAMPLES.FAILOVER_COMPLETED,
      event: { ...SAMPLES.FAILOVER_COMPLETED.event, id: 'staging-1', cluster: 'staging' },
    };
    const sent = [...EVENT_TYPES.map((type) => SAMPLES[type]), staging];
    for (const notification of sent)
      assert.equal((await notifier.send(notification, signal())).kind, 'delivered');

    const typesOf = async (queue: typeof critical) =>
      (await queue.drainEnvelopes()).map((envelope) => {
        const { event } = readMessage(envelope.Message).json;
        return `${event.cluster}:${event.type}`;
      });
    const expected = (keep: (notification: Notification) => boolean) =>
      sent.filter(keep).map(({ event }) => `${event.cluster}:${event.type}`);
    assert.deepEqual(
      await typesOf(critical),
      expected(({ event }) => event.severity === 'critical'),
    );
    assert.deepEqual(
      await typesOf(prod),
      expected(({ event }) => event.cluster === 'prod'),
    );
    assert.deepEqual(await typesOf(failovers), ['prod:FAILOVER_COMPLETED', 'staging:FAILOVER_COMPLETED']);
  });

  it('fails with a configuration reason naming the topic when the topic does not exist', async () => {
    const topicArn = sns.missingTopicArn('no-such-topic');
    const notifier = new SnsNotifier({ channel: 'pager-sns', topicArn, client: sns.sns });
    const outcome = await notifier.send(SAMPLES.MASTER_DOWN, signal());
    assert.equal(outcome.kind, 'failed');
    const reason = outcome.kind === 'failed' ? outcome.reason : '';
    assert.ok(reason.includes(topicArn), reason);
    assert.match(reason, /does not exist .*check the channel's topicArn/);
    for (const secret of Object.values(TEST_CREDENTIALS)) assert.ok(!reason.includes(secret));
  });

  it('retries when SNS cannot be reached', async () => {
    const port = await freePort();
    const client = sns.snsClient({ endpoint: `http://127.0.0.1:${port}` });
    const topicArn = sns.missingTopicArn('alerts');
    const outcome = await new SnsNotifier({ channel: 'pager-sns', topicArn, client }).send(
      SAMPLES.MASTER_DOWN,
      signal(),
    );
    assert.equal(outcome.kind, 'retry');
    assert.match(outcome.kind === 'retry' ? outcome.reason : '', /could not reach SNS .* \(ECONNREFUSED\)/);
  });

  it('retries when SNS does not answer before the attempt times out', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const address = silent.address();
      assert.ok(address && typeof address === 'object');
      const client = sns.snsClient({ endpoint: `http://127.0.0.1:${address.port}` });
      const notifier = new SnsNotifier({ channel: 'pager-sns', topicArn: sns.missingTopicArn('a'), client });
      const started = Date.now();
      const outcome = await notifier.send(SAMPLES.MASTER_DOWN, AbortSignal.timeout(300));
      assert.equal(outcome.kind, 'retry');
      assert.match(outcome.kind === 'retry' ? outcome.reason : '', /aborted/);
      assert.ok(Date.now() - started < 3000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
