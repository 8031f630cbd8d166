import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  EC2Client,
  RebootInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { Agent } from 'undici';
import { METRICS, REMEDIATION_FILTER, SERVICE_NAME } from '../../functions/contract.ts';
import { createLogger } from '../../functions/logging.ts';
import { monitorHandler } from '../../functions/monitor/handler.ts';
import { notifiersFor } from '../../functions/notifiers.ts';
import { remediateHandler } from '../../functions/remediate/handler.ts';
import { type Runtime, settingsFrom } from '../../functions/runtime.ts';
import { type MonitorConfig, parseConfig } from '../../shared/config/index.ts';
import { ClusterObserver } from '../../shared/observe/observer.ts';
import { configuredExecutor } from '../../shared/remediate/configured-executor.ts';
import { type EmulatedCluster, startDremioCluster } from '../support/dremio/cluster.ts';
import { startDynalite } from '../support/dynalite.ts';
import { startTestSns, type TestQueue, type TestSns } from '../support/fauxqs.ts';
import { localRuntime } from '../support/lambda-runtime.ts';
import { configFor, coordinatorsOf } from '../support/monitor-config.ts';
import { waitUntil } from '../support/zk-view.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

// Powertools writes EMF through the global console in dev mode, so the test can read the metrics.
process.env.POWERTOOLS_DEV = 'true';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

const INSTANCE_A = 'i-0aaaaaaaaaaaaaaa1';
const INSTANCE_B = 'i-0bbbbbbbbbbbbbbb2';

/** An SNS record as Lambda receives it from a subscription, built from what the topic delivered. */
function snsRecord(envelope: {
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject: string | null;
  MessageAttributes?: Readonly<Record<string, { Type: string; Value: string }>>;
}): SNSEvent['Records'][number] {
  return {
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: `${envelope.TopicArn}:0b5b8e3c-1111-2222-3333-444455556666`,
    Sns: {
      Type: 'Notification',
      MessageId: envelope.MessageId,
      TopicArn: envelope.TopicArn,
      Subject: envelope.Subject ?? '',
      Message: envelope.Message,
      Timestamp: envelope.Timestamp,
      SignatureVersion: '1',
      Signature: 'EXAMPLE',
      SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000.pem',
      UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
      MessageAttributes: envelope.MessageAttributes ?? {},
    },
  };
}

describe('the Lambda handlers on the bench: EventBridge Scheduler and SNS events, dynalite, fauxqs, mocked EC2', () => {
  let zk: ZooKeeperCluster;
  let dremio: EmulatedCluster;
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  let sns: TestSns;
  let oncall: TestQueue;
  let remediationQueue: TestQueue;
  let config: MonitorConfig;
  let runtime: Runtime;
  const observer = new ClusterObserver();
  const dispatcher = new Agent();
  const ec2Client = new EC2Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'not-a-secret' },
  });
  const ec2 = mockClient(ec2Client);
  const emf: Array<Record<string, unknown>> = [];
  const originalLog = console.log;

  before(async () => {
    zk = await startZooKeeper({ tickTime: 100, maxSessionTimeout: 2500 });
    dynalite = await startDynalite();
    sns = await startTestSns();
    dremio = await startDremioCluster({
      zookeeper: zk.connectString,
      executors: 1,
      common: { clusterId: 'lambda', sessionTimeoutMs: 2000, startupDelayMs: 200, exitDelayMs: 100 },
    });
    const oncallTopic = await sns.createTopic('oncall');
    const remediationTopic = await sns.createTopic('remediation');
    oncall = await sns.subscribeQueue(oncallTopic, 'oncall-queue');
    remediationQueue = await sns.subscribeQueue(remediationTopic, 'remediate-queue', {
      filterPolicy: REMEDIATION_FILTER,
    });
    const instanceIds = [INSTANCE_A, INSTANCE_B];
    config = parseConfig(
      {
        clusters: [
          {
            name: 'lambda',
            zookeeper: { connect: zk.connectString, clusterId: 'lambda', operationTimeoutMs: 500 },
            coordinators: coordinatorsOf(dremio).map((node, index) =>
              index < 2 ? { ...node, instanceId: instanceIds[index] } : node,
            ),
            http: { timeoutMs: 300, connectTimeoutMs: 200 },
            detection: { masterDownConfirmMs: 300 },
            routes: [{ channel: 'oncall' }],
            remediation: { enabled: true, method: 'reboot', settleMs: 500, actionTimeoutMs: 20_000 },
          },
        ],
        channels: { oncall: { kind: 'sns', topicArn: oncallTopic } },
      },
      'test',
    );
    const settings = settingsFrom({
      MONITOR_MODE: 'poll',
      REMEDIATION_TOPIC_ARN: remediationTopic,
      METRIC_SET: 'full',
    });
    const notifiers = await notifiersFor(config, {
      dispatcher,
      remediation: { topicArn: remediationTopic },
      sns: sns.sns,
    });
    runtime = localRuntime({
      config,
      store: dynalite.store,
      observer,
      settings,
      notifiers: async () => notifiers,
      executorFor: (cluster) => configuredExecutor(cluster, { ec2: () => ec2Client }),
    });
    console.log = (...args: unknown[]) => {
      const [first] = args;
      if (typeof first === 'string' && first.includes('"_aws"')) emf.push(JSON.parse(first));
      else originalLog(...args);
    };
  });
  after(async () => {
    console.log = originalLog;
    await observer.close();
    await dispatcher.close();
    await dremio?.stop();
    await sns?.close();
    await dynalite?.close();
    await zk?.stop();
  });

  it('a failover seen by scheduled polls pages on SNS, reaches the remediate function, which reboots the failed master once', async () => {
    const monitor = monitorHandler(runtime);
    const scheduled = { cluster: 'lambda' };
    assert.deepEqual(await monitor(scheduled), { ok: true, cluster: 'lambda', mode: 'poll', events: 0 });

    await dremio.node('master-a').kill();
    await waitUntil(
      async () => {
        await monitor(scheduled);
        return (await dynalite.store.events({ cluster: 'lambda', limit: 1000 })).events.map((e) => e.type);
      },
      (types) => types.includes('REMEDIATION_STARTED'),
      { what: 'the failover and the restart planned', timeoutMs: 30_000, intervalMs: 150 },
    );
    const paged = (await oncall.drainEnvelopes()).map(
      (envelope) => envelope.MessageAttributes?.eventType?.Value,
    );
    assert.ok(paged.includes('FAILOVER_COMPLETED'), `on-call topic got ${paged.join(', ')}`);

    const delivered = await remediationQueue.drainEnvelopes();
    assert.deepEqual(
      delivered.map((envelope) => envelope.MessageAttributes?.eventType?.Value),
      ['REMEDIATION_STARTED'],
      'the filter policy lets only REMEDIATION_STARTED through, once',
    );
    // AWS gives a Lambda subscriber the `lambda` form of a `MessageStructure: 'json'` message;
    // fauxqs 1.x passes the whole structure, so the test picks the form out as AWS would.
    const event: SNSEvent = {
      Records: delivered.map((envelope) => {
        const forms = JSON.parse(envelope.Message) as { lambda?: string };
        return snsRecord({ ...envelope, Message: forms.lambda ?? envelope.Message });
      }),
    };

    ec2.on(DescribeInstancesCommand).resolves({
      $metadata: { requestId: 'req-describe' },
      Reservations: [
        {
          Instances: [
            {
              InstanceId: INSTANCE_A,
              State: { Name: 'running' },
              PrivateIpAddress: '127.0.0.11',
              Tags: [
                { Key: 'dremio-ha-monitor:managed', Value: 'true' },
                { Key: 'dremio-ha-monitor:cluster', Value: 'lambda' },
              ],
            },
          ],
        },
      ],
    });
    ec2.on(RebootInstancesCommand).resolves({ $metadata: { requestId: 'req-reboot' } });
    ec2.on(DescribeInstanceStatusCommand).resolves({
      $metadata: { requestId: 'req-status' },
      InstanceStatuses: [
        {
          InstanceId: INSTANCE_A,
          InstanceState: { Name: 'running', Code: 16 },
          SystemStatus: { Status: 'ok' },
          InstanceStatus: { Status: 'ok' },
        },
      ],
    });
    const remediate = remediateHandler(runtime);
    const context = { awsRequestId: 'req-lambda-1', getRemainingTimeInMillis: () => 900_000 };
    const [result] = await remediate(event, context);
    assert.equal(result?.kind, 'carried-out', JSON.stringify(result));
    assert.deepEqual(
      ec2.commandCalls(RebootInstancesCommand).map((call) => call.args[0].input),
      [{ InstanceIds: [INSTANCE_A] }],
      'the failed master, never the live one',
    );
    const redelivered = await remediate(event, { ...context, awsRequestId: 'req-lambda-2' });
    assert.equal(redelivered[0]?.kind, 'skipped', 'a redelivered message restarts nothing');
    assert.equal(ec2.commandCalls(RebootInstancesCommand).length, 1);

    const { events } = await dynalite.store.events({ cluster: 'lambda', limit: 1000 });
    const succeeded = events.filter((one) => one.type === 'REMEDIATION_SUCCEEDED');
    assert.equal(succeeded.length, 1);
    const facts = succeeded[0]?.facts as Record<string, unknown>;
    assert.equal(facts.instanceId, INSTANCE_A);
    assert.ok(JSON.stringify(facts).includes('req-reboot'), 'the AWS request id is in the facts');

    const names = emf.flatMap((blob) =>
      (
        (blob._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> }).CloudWatchMetrics ??
        []
      ).flatMap((directive) => directive.Metrics.map((metric) => metric.Name)),
    );
    for (const name of [METRICS.heartbeat, METRICS.masterUp, METRICS.probeDuration, METRICS.events]) {
      assert.ok(names.includes(name), `EMF has ${name}`);
    }
    const failoverMetric = emf.find((blob) => blob.type === 'FAILOVER_COMPLETED');
    assert.equal(failoverMetric?.cluster, 'lambda');
    assert.equal(failoverMetric?.service, SERVICE_NAME);
    const heartbeat = emf.find((blob) => METRICS.heartbeat in blob);
    assert.equal(heartbeat?.cluster, 'lambda');
  });

  it('logs JSON with cluster and requestId on every line, one summary per poll, and no secret', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const originalInfo = console.info;
    console.info = (text: unknown) => {
      lines.push(JSON.parse(String(text)) as Record<string, unknown>);
    };
    try {
      const logger = createLogger({ logLevel: 'INFO' });
      const handler = monitorHandler({ ...runtime, logger });
      await handler(
        { cluster: 'lambda' },
        { awsRequestId: 'req-tick-1', getRemainingTimeInMillis: () => 60_000 },
      );
      logger.info('a message with a secret', {
        webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET',
        note: 'token xoxb-1234-5678-SECRET in text',
      });
    } finally {
      console.info = originalInfo;
    }
    const poll = lines.find((line) => line.message === 'poll');
    assert.ok(poll, `a poll line among ${lines.map((line) => line.message).join(', ')}`);
    assert.equal(poll.cluster, 'lambda');
    assert.equal(poll.requestId, 'req-tick-1');
    assert.equal(poll.service, SERVICE_NAME);
    assert.equal(typeof poll.probeMs, 'number');
    assert.ok(['healthy', 'degraded', 'critical'].includes(String(poll.health)));
    const text = JSON.stringify(lines);
    assert.doesNotMatch(text, /XXXXSECRET|xoxb-1234/);
    assert.match(text, /\[redacted\]/);
  });

  it('bad schedule input is answered, not thrown: a retry cannot fix it', async () => {
    const monitor = monitorHandler(runtime);
    const unknown = await monitor({ cluster: 'nope' });
    assert.deepEqual(unknown, { ok: false, error: 'no cluster named nope in the configuration' });
    const malformed = await monitor({ clusters: 'lambda' });
    assert.equal(malformed.ok, false);
    assert.match(malformed.ok ? '' : malformed.error, /expected \{"cluster": "<name>"\}/);
  });

  it('watch mode holds the session for watchMs and hands back with a heartbeat', async () => {
    const watching = monitorHandler({
      ...runtime,
      settings: { ...runtime.settings, mode: 'watch', watchMs: 1200, intervalMs: 300 },
    });
    const before = emf.filter((blob) => METRICS.heartbeat in blob).length;
    const started = Date.now();
    const result = await watching(
      { cluster: 'lambda' },
      { awsRequestId: 'w', getRemainingTimeInMillis: () => 60_000 },
    );
    const took = Date.now() - started;
    assert.equal(result.ok, true);
    assert.ok(took >= 1200, `watched ${took} ms`);
    assert.ok(emf.filter((blob) => METRICS.heartbeat in blob).length - before >= 2, 'a heartbeat per poll');
  });
});

describe('watch mode hand-over: overlapping invocations on one cluster', () => {
  it('two invocations watching at once record a failover once', async () => {
    const zk = await startZooKeeper({ tickTime: 100, maxSessionTimeout: 2500 });
    const dynalite = await startDynalite();
    const observer = new ClusterObserver();
    const dremio = await startDremioCluster({
      zookeeper: zk.connectString,
      executors: 1,
      common: { clusterId: 'overlap', sessionTimeoutMs: 2000, startupDelayMs: 200, exitDelayMs: 100 },
    });
    try {
      const config = configFor(dremio, zk.connectString, {
        name: 'overlap',
        zookeeper: { operationTimeoutMs: 500 },
        http: { timeoutMs: 300, connectTimeoutMs: 200 },
        cluster: { detection: { masterDownConfirmMs: 300 } },
      });
      const runtime = localRuntime({
        config,
        store: dynalite.store,
        observer,
        settings: { mode: 'watch', watchMs: 8000, intervalMs: 300 },
      });
      const invoke = (delayMs: number, id: string) =>
        new Promise((resolve) => setTimeout(resolve, delayMs)).then(() =>
          monitorHandler(runtime)(
            { cluster: 'overlap' },
            { awsRequestId: id, getRemainingTimeInMillis: () => 60_000 },
          ),
        );
      const first = invoke(0, 'first');
      const second = invoke(2500, 'second');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await dremio.node('master-a').kill();
      const results = await Promise.all([first, second]);
      const { events } = await dynalite.store.events({ cluster: 'overlap', limit: 1000 });
      const failovers = events.filter((event) => event.type === 'FAILOVER_COMPLETED');
      assert.equal(failovers.length, 1, events.map((event) => event.type).join(', '));
      assert.equal(new Set(events.map((event) => event.id)).size, events.length);
      const counted = results.reduce((sum, result) => sum + (result.ok ? result.events : 0), 0);
      assert.equal(counted, events.length, 'each recorded event was committed by exactly one invocation');
    } finally {
      await observer.close();
      await dremio.stop();
      await dynalite.close();
      await zk.stop();
    }
  });
});
