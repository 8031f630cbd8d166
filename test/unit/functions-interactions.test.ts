import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { interactionsHandler } from '../../functions/interactions/handler.ts';
import { parseConfig } from '../../shared/config/index.ts';
import { ClusterObserver } from '../../shared/observe/observer.ts';
import { CLUSTER } from '../support/detect-fixtures.ts';
import { localRuntime } from '../support/lambda-runtime.ts';
import { MemoryStore } from '../support/memory-store.ts';
import {
  Clock,
  clusterConfig,
  FakeNotifier,
  failover,
  judgeAll,
  monitorOf,
  notifiersOf,
} from '../support/orchestration.ts';
import { clickBody, SIGNING_SECRET, signedHeaders } from '../support/slack-click.ts';

/** A function URL event as Lambda passes it: a form body base64-encoded, lower-case headers. */
function urlEvent(body: string, headers: Record<string, string>, method = 'POST'): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    rawPath: '/slack/interactions',
    rawQueryString: '',
    headers,
    isBase64Encoded: true,
    body: Buffer.from(body, 'utf8').toString('base64'),
    requestContext: { http: { method, path: '/slack/interactions' } },
  } as unknown as LambdaFunctionURLEvent;
}

describe('the interactions function (function URL events)', () => {
  async function harness() {
    const store = new MemoryStore();
    const clock = new Clock();
    const cluster = clusterConfig();
    // MASTER_DOWN recorded and delivered: the master incident is open.
    await judgeAll(monitorOf(cluster, store, clock), clock, failover().slice(0, 10));
    const incident = (await store.events({ cluster: CLUSTER, types: ['MASTER_DOWN'] })).events[0];
    const pager = new FakeNotifier('pager');
    const team = new FakeNotifier('team');
    const config = parseConfig(
      {
        clusters: [
          {
            name: CLUSTER,
            zookeeper: { connect: 'zk1:2181' },
            coordinators: cluster.coordinators,
            routes: cluster.routes,
          },
        ],
        channels: {
          pager: { kind: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:pager' },
          team: { kind: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:team' },
        },
      },
      'test',
    );
    const handler = interactionsHandler(
      localRuntime({
        config,
        store,
        observer: new ClusterObserver(),
        notifiers: async () => notifiersOf(pager, team),
        slackSigningSecrets: [SIGNING_SECRET],
      }),
    );
    return { store, handler, pager, team, incidentKey: incident?.incidentKey ?? '' };
  }

  it('acknowledges a signed click, then delivers the acknowledgement before answering', async () => {
    const { store, handler, pager, team, incidentKey } = await harness();
    assert.match(incidentKey, /\/master\//);
    const body = clickBody(incidentKey);
    const response = await handler(urlEvent(body, signedHeaders(body, Date.now())));
    assert.equal(response.statusCode, 200);
    const acknowledged = (await store.events({ cluster: CLUSTER, types: ['INCIDENT_ACKNOWLEDGED'] })).events;
    assert.equal(acknowledged.length, 1);
    assert.equal((acknowledged[0]?.facts as { by?: string } | undefined)?.by, '@alice (U0ALICE42)');
    // The incident's channels heard of it within the invocation (the team one routes every event).
    assert.ok(team.types().includes('INCIDENT_ACKNOWLEDGED'), team.types().join());
    assert.ok(pager.types().includes('MASTER_DOWN'));
  });

  it('refuses a bad signature and a GET, recording nothing', async () => {
    const { store, handler, incidentKey } = await harness();
    const body = clickBody(incidentKey);
    const forged = await handler(urlEvent(body, signedHeaders(body, Date.now(), 'forged-secret')));
    const get = await handler(urlEvent(body, signedHeaders(body, Date.now()), 'GET'));
    assert.deepEqual([forged.statusCode, get.statusCode], [401, 405]);
    assert.deepEqual((await store.events({ cluster: CLUSTER, types: ['INCIDENT_ACKNOWLEDGED'] })).events, []);
  });

  it('answers 503 when its secrets cannot be read, recording nothing', async () => {
    const { store, incidentKey } = await harness();
    const handler = interactionsHandler({
      ...localRuntime({
        config: parseConfig(minimalConfig(), 'test'),
        store,
        observer: new ClusterObserver(),
      }),
      slackSigningSecrets: async () => {
        throw new Error('Secrets Manager: AccessDeniedException');
      },
    });
    const body = clickBody(incidentKey);
    const response = await handler(urlEvent(body, signedHeaders(body, Date.now())));
    assert.equal(response.statusCode, 503);
    assert.deepEqual((await store.events({ cluster: CLUSTER, types: ['INCIDENT_ACKNOWLEDGED'] })).events, []);
  });
});

function minimalConfig() {
  return {
    clusters: [
      {
        name: CLUSTER,
        zookeeper: { connect: 'zk1:2181' },
        coordinators: [{ address: 'a', role: 'master-candidate' }],
      },
    ],
  };
}
