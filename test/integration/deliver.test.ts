import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { monotonicFactory } from 'ulid';
import type { MonitorEvent } from '../../shared/events/types.ts';
import { deliverPending } from '../../shared/notify/deliver.ts';
import type { DeliveryOutcome, Notification, Notifier } from '../../shared/notify/notifier.ts';
import { planOutbox } from '../../shared/notify/routing.ts';
import { startDynalite } from '../support/dynalite.ts';
import { looseEvent } from '../support/loose-event.ts';

const T0 = Date.parse('2026-11-21T23:00:00.000Z');
let clusters = 0;

function events(cluster: string, count: number): MonitorEvent[] {
  const next = monotonicFactory();
  return Array.from({ length: count }, (_, index) =>
    looseEvent({
      id: next(T0 + index),
      cluster,
      type: 'COORDINATOR_DOWN',
      severity: 'warning',
      at: new Date(T0 + index).toISOString(),
      incidentKey: `${cluster}/coordinator/${index}`,
      incidentAction: 'open',
      summary: `event ${index}`,
      facts: { index },
    }),
  );
}

/** A channel that answers what the script says, then delivers; it records what it received. */
class ScriptedChannel implements Notifier {
  readonly received: string[] = [];
  constructor(
    readonly channel: string,
    private readonly script: DeliveryOutcome[] = [],
  ) {}
  async send({ event }: Notification): Promise<DeliveryOutcome> {
    const scripted = this.script.shift();
    if (scripted) return scripted;
    this.received.push(event.id);
    return { kind: 'delivered', thread: `ts-${event.id}` };
  }
}

describe('the outbox and its delivery loop, on dynalite', () => {
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  before(async () => {
    dynalite = await startDynalite();
  });
  after(() => dynalite?.close());

  async function committed(count: number, channels = ['slack']) {
    const cluster = `deliver-${++clusters}`;
    const list = events(cluster, count);
    const outbox = planOutbox(
      list,
      channels.map((channel) => ({ channel })),
      new Map(),
      T0,
    );
    const result = await dynalite.store.commit(cluster, 0, { any: 'state' }, list, outbox);
    assert.equal(result.kind, 'committed');
    return { cluster, list };
  }

  it('commits one pending delivery per routed event, with the events, in one transaction', async () => {
    const { cluster, list } = await committed(3, ['slack', 'sns']);
    for (const channel of ['slack', 'sns']) {
      const pending = await dynalite.store.pendingDeliveries(cluster, channel, 10);
      assert.deepEqual(
        pending.map((delivery) => delivery.event.id),
        list.map((event) => event.id),
      );
      assert.ok(pending.every((delivery) => delivery.status === 'pending' && delivery.attempts === 0));
    }
    const route = await dynalite.store.incidentRoute(cluster, list[0]?.incidentKey ?? '');
    assert.deepEqual(route?.channels, ['slack', 'sns']);
  });

  it('a channel down for several rounds then back: every event delivered exactly once, in order', async () => {
    const { cluster, list } = await committed(5);
    const down: DeliveryOutcome = { kind: 'retry', reason: 'HTTP 500 from Slack' };
    const channel = new ScriptedChannel('slack', [
      down,
      down,
      { kind: 'retry', reason: '429', afterMs: 30_000 },
    ]);
    let clock = T0;
    const rounds = [];
    for (let round = 0; round < 6; round += 1) {
      rounds.push(
        await deliverPending({
          cluster,
          store: dynalite.store,
          notifiers: [channel],
          owner: 'test',
          context: () => ({}),
          now: () => clock,
        }),
      );
      const [retrying] = await dynalite.store.pendingDeliveries(cluster, 'slack', 1);
      if (round < 3) {
        assert.equal(retrying?.event.id, list[0]?.id, 'the first event holds back the others');
        assert.equal(retrying?.attempts, round + 1);
        assert.match(retrying?.lastError ?? '', round < 2 ? /HTTP 500/ : /429/);
      }
      clock += 60_000;
    }
    assert.deepEqual(
      channel.received,
      list.map((event) => event.id),
      'each once, in commit order',
    );
    assert.deepEqual(await dynalite.store.pendingDeliveries(cluster, 'slack', 10), []);
    assert.equal(rounds.flatMap((round) => round.delivered).length, 5);
    const route = await dynalite.store.incidentRoute(cluster, list[0]?.incidentKey ?? '');
    assert.equal(route?.threads.slack, `ts-${list[0]?.id}`, 'the thread of the incident is remembered');
  });

  it('honours Retry-After: nothing is attempted before it', async () => {
    const { cluster } = await committed(1);
    const channel = new ScriptedChannel('slack', [{ kind: 'retry', reason: '429', afterMs: 120_000 }]);
    const options = {
      cluster,
      store: dynalite.store,
      notifiers: [channel],
      owner: 'test',
      context: () => ({}),
    };
    await deliverPending({ ...options, now: () => T0 });
    await deliverPending({ ...options, now: () => T0 + 119_000 });
    assert.deepEqual(channel.received, []);
    await deliverPending({ ...options, now: () => T0 + 120_000 });
    assert.equal(channel.received.length, 1);
  });

  it('gives up a permanent failure at once and a retried one after the maximum age, and goes on', async () => {
    const { cluster, list } = await committed(3);
    const channel = new ScriptedChannel('slack', [
      { kind: 'failed', reason: 'Slack rejected the webhook (404 no_service)' },
      { kind: 'retry', reason: 'timeout' },
      { kind: 'retry', reason: 'timeout' },
    ]);
    const options = {
      cluster,
      store: dynalite.store,
      notifiers: [channel],
      owner: 'test',
      context: () => ({}),
    };
    const first = await deliverPending({ ...options, now: () => T0, policy: { maxAgeMs: 3_600_000 } });
    assert.deepEqual(
      first.failed.map((delivery) => delivery.event.id),
      [list[0]?.id],
    );
    assert.match(first.failed[0]?.lastError ?? '', /404 no_service/);
    const second = await deliverPending({
      ...options,
      now: () => T0 + 3_600_000,
      policy: { maxAgeMs: 3_600_000 },
    });
    assert.deepEqual(
      second.failed.map((delivery) => delivery.event.id),
      [list[1]?.id],
    );
    assert.match(second.failed[0]?.lastError ?? '', /gave up after 2 attempts: timeout/);
    assert.deepEqual(channel.received, [list[2]?.id]);
  });

  it('two deliverers at once: the channel lease lets only one send, nothing goes twice', async () => {
    const { cluster, list } = await committed(10);
    const channel = new ScriptedChannel('slack');
    const slow: Notifier = {
      channel: 'slack',
      send: async (notification) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return channel.send(notification);
      },
    };
    const run = (owner: string) =>
      deliverPending({
        cluster,
        store: dynalite.store,
        notifiers: [slow],
        owner,
        context: () => ({}),
        now: () => T0,
      });
    await Promise.all([run('a'), run('b'), run('c')]);
    await run('d');
    assert.deepEqual(
      channel.received,
      list.map((event) => event.id),
    );
  });

  it('a lease left by a dead deliverer is taken over at once; a live holder is waited for', async () => {
    const { cluster, list } = await committed(2);
    // The predecessor crashed in the middle of a round: its lease would last another minute.
    const held = await dynalite.store.acquireLease(cluster, 'deliver:slack', 'host:4242', 60_000, T0);
    assert.equal(held.kind, 'acquired');
    const channel = new ScriptedChannel('slack');
    const options = {
      cluster,
      store: dynalite.store,
      notifiers: [channel],
      owner: 'host:5151',
      context: () => ({}),
      now: () => T0 + 1000,
    };
    await deliverPending({ ...options, holderIsDead: () => false });
    assert.deepEqual(channel.received, [], 'a live holder is never overtaken');
    await deliverPending({ ...options, holderIsDead: (owner) => owner === 'host:4242' });
    assert.deepEqual(
      channel.received,
      list.map((event) => event.id),
    );
    // Taking over names the dead holder: a lease held by anyone else is still refused.
    await dynalite.store.acquireLease(cluster, 'deliver:slack', 'host:6262', 60_000, T0 + 2000);
    const refused = await dynalite.store.acquireLease(
      cluster,
      'deliver:slack',
      'host:7272',
      60_000,
      T0 + 3000,
      {
        takeOverFrom: 'host:4242',
      },
    );
    assert.equal(refused.kind, 'held');
  });

  describe('critical first, order within an incident kept', () => {
    /** A channel that refuses (500, or 429 with Retry-After) the messages of the given incidents. */
    class PickyChannel implements Notifier {
      readonly received: string[] = [];
      readonly refused = new Set<string>();
      retryAfterMs: number | undefined;
      constructor(readonly channel: string) {}
      async send({ event }: Notification): Promise<DeliveryOutcome> {
        if (this.refused.has(event.incidentKey)) {
          return this.retryAfterMs === undefined
            ? { kind: 'retry', reason: 'HTTP 500 from Slack' }
            : { kind: 'retry', reason: '429', afterMs: this.retryAfterMs };
        }
        this.received.push(event.type);
        return { kind: 'delivered' };
      }
    }
    const event = (
      cluster: string,
      at: number,
      type: MonitorEvent['type'],
      severity: MonitorEvent['severity'],
      incident: string,
    ): MonitorEvent =>
      looseEvent({
        id: monotonicFactory()(at),
        cluster,
        type,
        severity,
        at: new Date(at).toISOString(),
        incidentKey: `${cluster}/${incident}`,
        incidentAction: 'open',
        summary: type,
        facts: {},
      });
    async function commitEvents(cluster: string, version: number, list: MonitorEvent[]) {
      const outbox = planOutbox(list, [{ channel: 'slack' }], new Map(), Date.parse(list[0]?.at ?? ''));
      const result = await dynalite.store.commit(cluster, version, { version }, list, outbox);
      assert.equal(result.kind, 'committed');
    }
    const round = (cluster: string, channel: Notifier, at: number) =>
      deliverPending({
        cluster,
        store: dynalite.store,
        notifiers: [channel],
        owner: 'test',
        context: () => ({}),
        now: () => at,
      });

    for (const answer of ['500', '429'] as const) {
      it(`a MASTER_DOWN is not held behind an info message the channel answers ${answer} to`, async () => {
        const cluster = `critical-${answer}-${++clusters}`;
        const channel = new PickyChannel('slack');
        channel.refused.add(`${cluster}/info`);
        if (answer === '429') channel.retryAfterMs = 120_000;
        await commitEvents(cluster, 0, [event(cluster, T0, 'MAINTENANCE_STARTED', 'info', 'info')]);
        await round(cluster, channel, T0);
        assert.deepEqual(channel.received, [], 'the info message is retrying');
        await commitEvents(cluster, 1, [event(cluster, T0 + 500, 'MASTER_DOWN', 'critical', 'master')]);
        // The info message is not due yet, and when it is, the critical one still goes first.
        await round(cluster, channel, T0 + 1000);
        assert.deepEqual(channel.received, ['MASTER_DOWN']);
      });
    }

    it('keeps the order within one incident: a critical update waits for the warning before it', async () => {
      const cluster = `incident-order-${++clusters}`;
      const channel = new PickyChannel('slack');
      channel.refused.add(`${cluster}/master`);
      await commitEvents(cluster, 0, [event(cluster, T0, 'MASTER_UNRESPONSIVE', 'warning', 'master')]);
      await round(cluster, channel, T0);
      await commitEvents(cluster, 1, [event(cluster, T0 + 500, 'MASTER_DOWN', 'critical', 'master')]);
      await round(cluster, channel, T0 + 60_000);
      assert.deepEqual(channel.received, []);
      channel.refused.clear();
      await round(cluster, channel, T0 + 600_000);
      assert.deepEqual(channel.received, ['MASTER_UNRESPONSIVE', 'MASTER_DOWN']);
    });

    it('a critical message is retried at least every 10 s; a channel that answers again wakes what waits', async () => {
      const cluster = `wake-${++clusters}`;
      const channel = new PickyChannel('slack');
      channel.refused.add(`${cluster}/master`);
      channel.refused.add(`${cluster}/info`);
      await commitEvents(cluster, 0, [
        event(cluster, T0, 'MASTER_DOWN', 'critical', 'master'),
        event(cluster, T0 + 1, 'MAINTENANCE_STARTED', 'info', 'info'),
      ]);
      let at = T0;
      let triedAt = T0;
      for (let attempt = 0; attempt < 12; attempt += 1) {
        triedAt = at;
        await round(cluster, channel, at);
        const [waiting] = await dynalite.store.pendingDeliveries(cluster, 'slack', 1);
        at = waiting?.nextAttemptAt ?? at;
      }
      const pending = await dynalite.store.pendingDeliveries(cluster, 'slack', 10);
      const critical = pending.find((delivery) => delivery.event.severity === 'critical');
      assert.ok(critical && critical.attempts >= 10);
      assert.ok(critical.nextAttemptAt - triedAt <= 10_000, 'capped at 10 s, not 300 s');
      // The channel answers again: the critical page and then everything waiting, in one round.
      channel.refused.clear();
      await round(cluster, channel, at);
      assert.deepEqual(channel.received, ['MASTER_DOWN', 'MAINTENANCE_STARTED']);
    });

    it('a message waiting out a long Retry-After goes as soon as the channel accepts another', async () => {
      const cluster = `wake-retry-after-${++clusters}`;
      const channel = new PickyChannel('slack');
      channel.refused.add(`${cluster}/info`);
      channel.retryAfterMs = 300_000;
      await commitEvents(cluster, 0, [event(cluster, T0, 'MAINTENANCE_STARTED', 'info', 'info')]);
      await round(cluster, channel, T0);
      channel.refused.clear();
      await commitEvents(cluster, 1, [event(cluster, T0 + 1000, 'COORDINATOR_DOWN', 'warning', 'c')]);
      await round(cluster, channel, T0 + 2000);
      assert.deepEqual(channel.received, ['COORDINATOR_DOWN', 'MAINTENANCE_STARTED']);
    });
  });
});
