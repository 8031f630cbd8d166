import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clusterStatus } from '../../cli/status.ts';
import { type ClusterConfig, parseConfig } from '../../shared/config/index.ts';
import { clusterMonitorFor, type Outcome } from '../../shared/monitor/cluster-monitor.ts';
import { remediationSucceeded } from '../../shared/remediate/plan-events.ts';
import {
  A_ADDRESS,
  B,
  B_ADDRESS,
  C_ADDRESS,
  CLUSTER,
  SECOND,
  snapshot,
  T0,
} from '../support/detect-fixtures.ts';
import { startDynalite } from '../support/dynalite.ts';

function clusterConfig(remediation: Record<string, unknown>): ClusterConfig {
  return parseConfig(
    {
      clusters: [
        {
          name: CLUSTER,
          zookeeper: { connect: 'zk1.corp:2181' },
          coordinators: [
            { address: A_ADDRESS, role: 'master-candidate', instanceId: 'i-0aaaaaaaaaaaaaaaa' },
            { address: B_ADDRESS, role: 'master-candidate', instanceId: 'i-0bbbbbbbbbbbbbbbb' },
            { address: C_ADDRESS, role: 'coordinator' },
          ],
          detection: { masterDownConfirmMs: 2000 },
          remediation: { enabled: true, settleMs: 5000, ...remediation },
        },
      ],
    },
    'test',
  ).clusters[0] as ClusterConfig;
}

/** A master for 5 s, none for 10 s, then B: one snapshot a second. */
const failover = [
  ...Array.from({ length: 5 }, (_, i) => snapshot(T0 + i * SECOND)),
  ...Array.from({ length: 10 }, (_, i) => snapshot(T0 + (5 + i) * SECOND, { master: null })),
  ...Array.from({ length: 15 }, (_, i) => snapshot(T0 + (15 + i) * SECOND, { master: B })),
];

describe('ClusterMonitor with remediation, on a real store', () => {
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  before(async () => {
    dynalite = await startDynalite();
  });
  after(() => dynalite?.close());

  it('two monitors racing on every snapshot start one restart, of the failed master, once', async () => {
    const store = await dynalite.storeFor({ tableName: 'race' });
    let now = T0;
    const cluster = clusterConfig({});
    const monitors = [0, 1].map(() => clusterMonitorFor(cluster, store, { now: () => now }));
    const outcomes: Outcome[] = [];
    for (const shot of failover) {
      now = Date.parse(shot.observedAt) + 100;
      outcomes.push(...(await Promise.all(monitors.map((monitor) => monitor.judge(shot)))));
    }
    const actions = outcomes.flatMap((outcome) => (outcome.kind === 'committed' ? outcome.actions : []));
    assert.equal(actions.length, 1, 'one action between the two monitors');
    const [action] = actions;
    assert.equal(action?.target.address, A_ADDRESS);
    assert.equal(action?.target.instanceId, 'i-0aaaaaaaaaaaaaaaa');
    assert.equal(action?.target.reason, 'failed-master');
    const { events } = await store.events({ cluster: CLUSTER, limit: 1000 });
    const types = events.map((event) => event.type);
    assert.equal(types.filter((type) => type === 'FAILOVER_COMPLETED').length, 1);
    assert.equal(types.filter((type) => type === 'REMEDIATION_STARTED').length, 1);
    assert.ok(types.indexOf('FAILOVER_COMPLETED') < types.indexOf('REMEDIATION_STARTED'));
    const started = events.find((event) => event.type === 'REMEDIATION_STARTED');
    assert.ok(
      Date.parse(started?.at ?? '') >= Date.parse(failover[15]?.observedAt ?? '') + 5 * SECOND,
      'not before the new master settled',
    );

    const during = await clusterMonitorFor(cluster, store).monitorState();
    const status = clusterStatus(CLUSTER, during?.detector ?? null, during?.remediation ?? null);
    assert.equal(status.master?.address, B_ADDRESS);
    assert.equal(status.remediation?.inFlight?.address, A_ADDRESS, '`status` shows the restart under way');
    assert.equal(status.remediation?.actionsLast24h, 1);

    // `ack` on the remediation incident goes through the same commit path as detection's.
    const acked = await clusterMonitorFor(cluster, store).acknowledge(
      started?.incidentKey ?? '',
      'alice',
      'watching the restart',
    );
    assert.equal(acked.kind === 'committed' && acked.events[0]?.type, 'INCIDENT_ACKNOWLEDGED');
    const unknown = await clusterMonitorFor(cluster, store).acknowledge(
      `${CLUSTER}/remediation/NOPE`,
      'a',
      'b',
    );
    assert.equal(unknown.kind === 'rejected' && unknown.error.kind, 'unknown_incident');

    // The outcome, recorded by a third monitor (as the remediate function would), releases the lease.
    const third = clusterMonitorFor(cluster, store, { now: () => now });
    const recorded = await third.recordOutcome((at, newId) =>
      remediationSucceeded(action as NonNullable<typeof action>, { executor: 'test' }, at, newId),
    );
    assert.equal(recorded.kind, 'committed');
    const state = await clusterMonitorFor(cluster, store).monitorState();
    assert.equal(state?.remediation?.inFlight, null);
    assert.deepEqual(state?.remediation?.needs, []);
  });

  it('remediation off: the same failover records no remediation state and no action', async () => {
    const store = await dynalite.storeFor({ tableName: 'off' });
    let now = T0;
    const monitor = clusterMonitorFor(clusterConfig({ enabled: false }), store, { now: () => now });
    const outcomes: Outcome[] = [];
    for (const shot of failover) {
      now = Date.parse(shot.observedAt) + 100;
      outcomes.push(await monitor.judge(shot));
    }
    assert.deepEqual(
      outcomes.flatMap((outcome) => (outcome.kind === 'committed' ? outcome.actions : [])),
      [],
    );
    assert.equal((await monitor.monitorState())?.remediation, null);
    const { events } = await store.events({ cluster: CLUSTER, limit: 1000 });
    assert.ok(events.some((event) => event.type === 'FAILOVER_COMPLETED'));
    assert.ok(!events.some((event) => event.type.startsWith('REMEDIATION_')));
  });
});
