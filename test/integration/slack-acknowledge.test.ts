import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MonitorEvent } from '../../shared/events/types.ts';
import { BIN } from '../support/cli.ts';
import { type EmulatedCluster, startDremioCluster } from '../support/dremio/cluster.ts';
import { startDynalite, TEST_TABLE, type TestDynalite } from '../support/dynalite.ts';
import { coordinatorsOf } from '../support/monitor-config.ts';
import {
  type PagerDutyReceiver,
  ROUTING_KEY,
  startPagerDutyReceiver,
} from '../support/pagerduty-receiver.ts';
import { freePort } from '../support/ports.ts';
import { killOnExit } from '../support/processes.ts';
import { clickBody, SIGNING_SECRET, signedHeaders } from '../support/slack-click.ts';
import { type SlackReceiver, startSlackReceiver } from '../support/slack-receiver.ts';
import { waitUntil } from '../support/zk-view.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

/**
 * Acknowledge from Slack, end to end on the bench: `watch --slack-listen` over an emulated cluster
 * whose master is SIGKILLed; the standby takes 10 s to start, so the incident is open when someone
 * clicks Acknowledge on the bot's message. The click (signed as Slack signs it) is recorded in the
 * audit log with who clicked, PagerDuty acknowledges the same incident, and the first Slack message
 * is updated to say who acknowledged. Every bad request is refused and records nothing.
 */

describe('Acknowledge in Slack -> audit log -> PagerDuty -> the message updated', () => {
  let zk: ZooKeeperCluster;
  let dremio: EmulatedCluster;
  let dynalite: TestDynalite;
  let slack: SlackReceiver;
  let pagerduty: PagerDutyReceiver;
  let dir: string;
  let watch: ChildProcess;
  let output = '';
  let endpoint = '';

  before(async () => {
    zk = await startZooKeeper({ tickTime: 100, maxSessionTimeout: 2500 });
    dynalite = await startDynalite();
    slack = await startSlackReceiver();
    pagerduty = await startPagerDutyReceiver();
    dremio = await startDremioCluster({
      zookeeper: zk.connectString,
      executors: 1,
      common: { clusterId: 'billing', sessionTimeoutMs: 2500, startupDelayMs: 300, exitDelayMs: 100 },
      // The standby starts 10 s after it takes the latch: the incident stays open that long.
      nodes: { 'master-b': { startupDelayMs: 10_000 } },
    });
    dir = await mkdtemp(join(tmpdir(), 'slack-ack-'));
    const config = join(dir, 'monitor.json');
    await writeFile(
      config,
      JSON.stringify({
        clusters: [
          {
            name: 'billing',
            zookeeper: { connect: zk.connectString, clusterId: 'billing', operationTimeoutMs: 500 },
            coordinators: coordinatorsOf(dremio),
            http: { timeoutMs: 300, connectTimeoutMs: 200 },
            detection: { masterDownConfirmMs: 300 },
            routes: [{ channel: 'oncall' }, { channel: 'pager', severities: ['critical', 'warning'] }],
          },
        ],
        channels: {
          oncall: {
            kind: 'slack-bot',
            token: { env: 'TEST_SLACK_TOKEN' },
            channelId: 'C0123ABCD',
            apiBaseUrl: slack.apiBaseUrl,
            signingSecret: { env: 'TEST_SLACK_SIGNING_SECRET' },
          },
          pager: { kind: 'pagerduty', routingKey: { env: 'TEST_PD_KEY' }, eventsUrl: pagerduty.eventsUrl },
        },
        delivery: { backoffBaseMs: 200, backoffMaxMs: 400 },
      }),
    );
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}/slack/interactions`;
    watch = spawn(
      process.execPath,
      [
        BIN,
        'watch',
        '--json',
        '--interval-ms',
        '200',
        '--clock-ms',
        '300',
        '--slack-listen',
        `127.0.0.1:${port}`,
        '--config',
        config,
        '--store-endpoint',
        dynalite.endpoint,
        '--table',
        TEST_TABLE,
      ],
      {
        env: {
          ...process.env,
          TEST_SLACK_TOKEN: slack.token,
          TEST_SLACK_SIGNING_SECRET: SIGNING_SECRET,
          TEST_PD_KEY: ROUTING_KEY,
        },
      },
    );
    killOnExit(watch);
    watch.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    watch.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    await waitUntil(
      async () => output,
      (text) => text.includes('watching billing') && text.includes('slackInteractions'),
      { what: 'watch started with its Slack listener' },
    );
  });
  after(async () => {
    watch?.kill('SIGKILL');
    await dremio?.stop();
    await slack?.close();
    await pagerduty?.close();
    await dynalite?.close();
    await zk?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const post = (body: string, headers: Record<string, string>) =>
    fetch(endpoint, { method: 'POST', headers, body }).then(async (response) => ({
      status: response.status,
      text: await response.text(),
    }));
  const acknowledgements = async () =>
    (await dynalite.store.events({ cluster: 'billing', types: ['INCIDENT_ACKNOWLEDGED'] })).events;

  it('a click acknowledges once: recorded with who clicked, PagerDuty acknowledged, the message updated', async (t) => {
    await dremio.node('master-a').kill();
    // The bot's first message of the incident, with its Acknowledge button.
    const { value: opening } = await waitUntil(
      async () =>
        [...slack.messages.values()].find((message) =>
          JSON.stringify(message.blocks).includes('"action_id":"acknowledge"'),
        ),
      (message) => message !== undefined,
      { what: 'a Slack message with an Acknowledge button', timeoutMs: 20_000, intervalMs: 50 },
    );
    const blocks = opening?.blocks as Array<{ type: string; elements?: Array<{ value?: string }> }>;
    const incidentKey = blocks.find((block) => block.type === 'actions')?.elements?.[0]?.value ?? '';
    assert.match(incidentKey, /^billing\/master\//);

    // Refused, and nothing recorded: a wrong signature, an old timestamp, a malformed payload, an unknown incident.
    const now = Date.now();
    const refused = [
      await post(
        clickBody(incidentKey),
        signedHeaders(clickBody(incidentKey), now, 'not-the-signing-secret'),
      ),
      await post(clickBody(incidentKey), signedHeaders(clickBody(incidentKey), now - 301_000)),
      await post('payload=%7Bnot-json', signedHeaders('payload=%7Bnot-json', now)),
      await post(
        clickBody('billing/master/01UNKNOWN0000000000000000'),
        signedHeaders(clickBody('billing/master/01UNKNOWN0000000000000000'), now),
      ),
    ];
    assert.deepEqual(
      refused.map((response) => response.status),
      [401, 401, 400, 404],
    );
    assert.deepEqual(await acknowledgements(), []);

    const body = clickBody(incidentKey);
    const headers = signedHeaders(body, Date.now());
    const clicked = Date.now();
    assert.equal((await post(body, headers)).status, 200);
    const answeredMs = Date.now() - clicked;
    const recorded = await acknowledgements();
    assert.equal(recorded.length, 1);
    const [acknowledged] = recorded as MonitorEvent[];
    assert.equal(acknowledged?.incidentKey, incidentKey);
    const facts = (acknowledged?.facts ?? {}) as { by?: string; reason?: string };
    assert.deepEqual([facts.by, facts.reason], ['@alice (U0ALICE42)', 'acknowledged in Slack']);

    // PagerDuty: the same incident (its dedup_key is the incident key) acknowledged.
    await waitUntil(
      async () => pagerduty.alerts.get(incidentKey)?.status,
      (status) => status === 'acknowledged' || status === 'resolved',
      { what: 'PagerDuty acknowledged', timeoutMs: 10_000, intervalMs: 50 },
    );
    assert.ok(
      pagerduty.alerts.get(incidentKey)?.events.some((event) => event.event_action === 'acknowledge'),
    );
    const pagerDutyMs = Date.now() - clicked;
    // Slack: the first message now says who acknowledged (or, if the failover already completed, resolved after it).
    await waitUntil(
      async () =>
        slack.requests.filter((request) => request.apiMethod === 'chat.update').map((request) => request.raw),
      (updates) =>
        updates.some((raw) => raw.includes('Acknowledged by') && raw.includes('@alice (U0ALICE42)')),
      { what: 'the first message updated with who acknowledged', timeoutMs: 10_000, intervalMs: 50 },
    );
    // Figures for the record, not targets: a shared machine makes timed assertions flaky.
    t.diagnostic(
      `click answered in ${answeredMs} ms; PagerDuty acknowledged by ${pagerDutyMs} ms, the message updated by ${Date.now() - clicked} ms`,
    );

    // The same request again is a replay; a second click is told it is already acknowledged.
    assert.equal((await post(body, headers)).status, 409);
    const again = clickBody(incidentKey, { user: 'U0BOB00042', username: 'bob' });
    assert.equal((await post(again, signedHeaders(again, Date.now()))).status, 200);
    assert.equal((await acknowledgements()).length, 1, 'acknowledged once');
    assert.ok(!output.includes(SIGNING_SECRET) && !output.includes(slack.token), 'no secret in the output');
  });
});
