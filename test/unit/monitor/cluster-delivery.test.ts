import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MonitorEvent } from '../../../shared/events/types.ts';
import { deliverCluster } from '../../../shared/monitor/cluster-delivery.ts';
import type { DeliveryOutcome, KeepsAlertsAlive, Notification } from '../../../shared/notify/notifier.ts';
import { B_ADDRESS, CLUSTER, T0 } from '../../support/detect-fixtures.ts';
import { looseEvent } from '../../support/loose-event.ts';
import { MemoryStore } from '../../support/memory-store.ts';
import {
  Clock,
  clusterConfig,
  FakeNotifier,
  failover,
  judgeAll,
  monitorOf,
  notifiersOf,
  RUNBOOK,
} from '../../support/orchestration.ts';

/** A store and monitor that recorded the failover: MASTER_DOWN and FAILOVER_COMPLETED to pager and team. */
async function afterFailover() {
  const store = new MemoryStore();
  const clock = new Clock();
  const cluster = clusterConfig();
  const monitor = monitorOf(cluster, store, clock);
  const events = await judgeAll(monitor, clock, failover());
  return { store, clock, cluster, monitor, events };
}

describe('deliverCluster: one delivery round of a cluster', () => {
  it('sends each routed channel its messages once, in order, with the runbook, the master UI and the thread', async () => {
    const { store, clock, cluster, monitor } = await afterFailover();
    const pager = new FakeNotifier('pager', (_, attempt) => ({ kind: 'delivered', thread: `ts-${attempt}` }));
    const team = new FakeNotifier('team');
    const other = new FakeNotifier('other');
    const round = await deliverCluster({
      cluster,
      monitor,
      store,
      notifiers: notifiersOf(pager, team, other),
      owner: 'me',
      now: clock.now,
    });
    assert.deepEqual(pager.types(), ['MASTER_DOWN', 'FAILOVER_COMPLETED']);
    assert.deepEqual(team.types(), ['MASTER_DOWN', 'FAILOVER_COMPLETED']);
    assert.deepEqual(other.sent, [], 'a channel the cluster does not route to gets nothing');
    assert.equal(round.delivered.length, 4);
    assert.deepEqual([round.retrying, round.failed], [[], []]);
    // The failover names B, the new master: its UI; every message has the runbook.
    assert.deepEqual(pager.sent[1]?.context, {
      runbookUrl: RUNBOOK,
      masterWebUrl: `http://${B_ADDRESS}:9047`,
    });
    assert.equal(pager.sent[0]?.context.runbookUrl, RUNBOOK);
    // The incident's first message gave a thread; the next one of the incident follows it.
    assert.equal(pager.sent[0]?.thread, undefined);
    assert.equal(pager.sent[1]?.thread, 'ts-1');
    assert.ok(store.deliveries(CLUSTER).every((delivery) => delivery.status === 'delivered'));
    // Nothing is sent twice; the delivery leases are released.
    const again = await deliverCluster({
      cluster,
      monitor,
      store,
      notifiers: notifiersOf(pager, team),
      owner: 'me',
      now: clock.now,
    });
    assert.equal(again.delivered.length, 0);
    assert.equal(pager.sent.length + team.sent.length, 4);
    assert.equal(store.lease(CLUSTER, 'deliver:pager'), undefined);
  });

  it("hands a channel whose alerts expire the open incidents' alerting events after the outbox, and nothing once resolved", async () => {
    const store = new MemoryStore();
    const clock = new Clock();
    const cluster = clusterConfig();
    const monitor = monitorOf(cluster, store, clock);
    const shots = failover();
    await judgeAll(monitor, clock, shots.slice(0, 10));
    const pager = new KeepAliveNotifier('pager');
    const first = await deliverCluster({
      cluster,
      monitor,
      store,
      notifiers: notifiersOf(pager),
      owner: 'me',
      now: clock.now,
    });
    assert.deepEqual(pager.types(), ['MASTER_DOWN']);
    assert.deepEqual(
      pager.keptAlive.map((batch) => batch.map((notification) => notification.event.type)),
      [['MASTER_DOWN']],
      'the open incident, sent again after its delivery',
    );
    assert.equal(pager.keptAlive[0]?.[0]?.context.runbookUrl, RUNBOOK);
    assert.deepEqual(first.keptAlive, [{ channel: 'pager', alerts: 1, outcome: { kind: 'delivered' } }]);
    await judgeAll(monitor, clock, shots.slice(10));
    await deliverCluster({
      cluster,
      monitor,
      store,
      notifiers: notifiersOf(pager),
      owner: 'me',
      now: clock.now,
    });
    assert.deepEqual(pager.types(), ['MASTER_DOWN', 'FAILOVER_COMPLETED']);
    assert.deepEqual(pager.keptAlive.at(-1), [], 'resolved: nothing left to keep alive');
  });

  it('sends a critical message before older ones of other incidents', async () => {
    const store = new MemoryStore();
    const clock = new Clock();
    const cluster = clusterConfig();
    const monitor = monitorOf(cluster, store, clock);
    await judgeAll(monitor, clock, failover().slice(0, 1));
    const event = (id: string, severity: MonitorEvent['severity'], incidentKey: string): MonitorEvent =>
      looseEvent({
        id,
        cluster: CLUSTER,
        type: severity === 'critical' ? 'MASTER_DOWN' : 'EXECUTORS_LOW',
        severity,
        at: new Date(T0).toISOString(),
        incidentKey,
        incidentAction: 'open',
        summary: incidentKey,
        facts: {},
      });
    const older = event('01KAMY0000AAAAAAAAAAAAAAA1', 'warning', 'prod/executors');
    const info = event('01KAMY0000AAAAAAAAAAAAAAA2', 'info', 'prod/other');
    const critical = event('01KAMY0000AAAAAAAAAAAAAAA3', 'critical', 'prod/master/1');
    const current = await store.load(CLUSTER);
    const pending = (e: MonitorEvent) => ({
      channel: 'team',
      event: e,
      status: 'pending' as const,
      attempts: 0,
      createdAt: T0,
      nextAttemptAt: T0,
    });
    await store.commit(CLUSTER, current.version, current.state, [older, info, critical], {
      deliveries: [older, info, critical].map(pending),
      routes: [],
    });
    const team = new FakeNotifier('team');
    await deliverCluster({
      cluster,
      monitor,
      store,
      notifiers: notifiersOf(team),
      owner: 'me',
      now: clock.now,
    });
    assert.deepEqual(
      team.sent.map((notification) => notification.event.summary),
      ['prod/master/1', 'prod/executors', 'prod/other'],
    );
  });

  it('a channel that refuses for good: its deliveries are given up and DELIVERY_FAILED goes to the other channels', async () => {
    const { store, clock, cluster, monitor } = await afterFailover();
    const pager = new FakeNotifier('pager', () => ({ kind: 'failed', reason: 'topic does not exist' }));
    const team = new FakeNotifier('team');
    const round = await deliverCluster({
      cluster,
      monitor,
      store,
      notifiers: notifiersOf(pager, team),
      owner: 'me',
      now: clock.now,
    });
    assert.deepEqual(
      round.failed.map((delivery) => [delivery.channel, delivery.event.type, delivery.lastError]),
      [
        ['pager', 'MASTER_DOWN', 'topic does not exist'],
        ['pager', 'FAILOVER_COMPLETED', 'topic does not exist'],
      ],
    );
    const { events } = await store.events({ cluster: CLUSTER });
    const failed = events.filter((event) => event.type === 'DELIVERY_FAILED');
    assert.equal(failed.length, 2);
    assert.deepEqual(round.recorded, failed, 'the round returns the DELIVERY_FAILED events it recorded');
    assert.deepEqual(
      failed.map((event) => event.facts.eventType),
      ['MASTER_DOWN', 'FAILOVER_COMPLETED'],
    );
    assert.deepEqual(
      (await store.pendingDeliveries(CLUSTER, 'team', 100)).map((delivery) => delivery.event.type),
      ['DELIVERY_FAILED', 'DELIVERY_FAILED'],
    );
    assert.deepEqual(
      await store.pendingDeliveries(CLUSTER, 'pager', 100),
      [],
      'never to the channel that failed',
    );
    // The next round sends them to team, and tries nothing more on pager.
    await deliverCluster({
      cluster,
      monitor,
      store,
      notifiers: notifiersOf(pager, team),
      owner: 'me',
      now: clock.now,
    });
    assert.deepEqual(team.types(), [
      'MASTER_DOWN',
      'FAILOVER_COMPLETED',
      'DELIVERY_FAILED',
      'DELIVERY_FAILED',
    ]);
    assert.equal(pager.sent.length, 2);
  });

  it('a channel retried later waits for its backoff, then goes out', async () => {
    const { store, clock, cluster, monitor } = await afterFailover();
    const pager = new FakeNotifier('pager', (_, attempt) =>
      attempt === 1 ? { kind: 'retry', reason: '503' } : { kind: 'delivered' },
    );
    const first = await deliverCluster({
      cluster,
      monitor,
      store,
      notifiers: notifiersOf(pager),
      owner: 'me',
      now: clock.now,
    });
    assert.deepEqual(
      first.retrying.map((delivery) => [delivery.event.type, delivery.attempts]),
      [['MASTER_DOWN', 1]],
    );
    assert.equal(pager.sent.length, 1, 'a failed attempt ends the channel round');
    await deliverCluster({
      cluster,
      monitor,
      store,
      notifiers: notifiersOf(pager),
      owner: 'me',
      now: clock.now,
    });
    assert.equal(pager.sent.length, 1, 'not before the backoff');
    clock.at += 2000;
    const later = await deliverCluster({
      cluster,
      monitor,
      store,
      notifiers: notifiersOf(pager),
      owner: 'me',
      now: clock.now,
    });
    assert.deepEqual(pager.types(), ['MASTER_DOWN', 'MASTER_DOWN', 'FAILOVER_COMPLETED']);
    assert.equal(later.delivered.length, 2);
  });

  it('leaves a channel whose lease another live owner holds; takes it over from a dead one', async () => {
    const { store, clock, cluster, monitor } = await afterFailover();
    await store.acquireLease(CLUSTER, 'deliver:team', 'host:1', 60_000, clock.now());
    const pager = new FakeNotifier('pager');
    const team = new FakeNotifier('team');
    const round = await deliverCluster({
      cluster,
      monitor,
      store,
      notifiers: notifiersOf(pager, team),
      owner: 'me',
      now: clock.now,
    });
    assert.deepEqual(team.sent, []);
    assert.equal(pager.sent.length, 2);
    assert.equal(round.delivered.length, 2);
    assert.equal((await store.pendingDeliveries(CLUSTER, 'team', 100)).length, 2);
    assert.equal(store.lease(CLUSTER, 'deliver:team')?.owner, 'host:1', 'not released by another owner');
    await deliverCluster({
      cluster,
      monitor,
      store,
      notifiers: notifiersOf(pager, team),
      owner: 'me',
      now: clock.now,
      holderIsDead: (owner) => owner === 'host:1',
    });
    assert.deepEqual(team.types(), ['MASTER_DOWN', 'FAILOVER_COMPLETED']);
    assert.equal(pager.sent.length, 2);
    assert.equal(store.lease(CLUSTER, 'deliver:team'), undefined);
  });
});

/** A channel whose alerts expire: it records each batch it is handed to send again; always due. */
class KeepAliveNotifier extends FakeNotifier implements KeepsAlertsAlive {
  readonly keptAlive: Notification[][] = [];
  keepAliveDue(): boolean {
    return true;
  }
  async keepAlive(_cluster: string, notifications: readonly Notification[]): Promise<DeliveryOutcome> {
    this.keptAlive.push([...notifications]);
    return { kind: 'delivered' };
  }
}
