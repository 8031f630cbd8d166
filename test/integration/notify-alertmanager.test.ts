import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Agent } from 'undici';
import { EVENT_TYPES, type MonitorEvent } from '../../shared/events/types.ts';
import {
  AlertmanagerNotifier,
  type AlertmanagerNotifierOptions,
  incidentMatcher,
  type PostableAlert,
  renderAlert,
} from '../../shared/notify/alertmanager/index.ts';
import type { DeliverOptions } from '../../shared/notify/deliver.ts';
import { keepAlertsAlive } from '../../shared/notify/keep-alive.ts';
import { type Alertmanager, alertmanagerSkip, startAlertmanager } from '../support/alertmanager.ts';
import { readGolden } from '../support/golden.ts';
import { type HttpReceiver, startHttpReceiver } from '../support/http-receiver.ts';
import { sampleContext, sampleEvent, T0 } from '../support/notify-events.ts';
import { committedEvents, deliverRound, INCIDENT_LIFE } from '../support/outbox-round.ts';

/**
 * The Alertmanager channel against the real Alertmanager (Debian's prometheus-alertmanager) on
 * loopback: what it holds is read back from its own API, and its route notifies a local receiver,
 * as it would a team's, so the whole path (monitor -> Alertmanager -> team) is seen firing and resolved.
 */

/** The incident's life before it resolves. */
const OPEN = INCIDENT_LIFE.slice(0, -1);

interface Golden {
  readonly action: 'fire' | 'resolve' | null;
  readonly alert?: PostableAlert;
}

/** What Alertmanager's webhook sends a receiver (the fields read here). */
interface TeamNotification {
  readonly status: 'firing' | 'resolved';
  readonly alerts: ReadonlyArray<{ readonly status: string; readonly labels: Record<string, string> }>;
}

describe('Alertmanager through the outbox, against the real Alertmanager', { skip: alertmanagerSkip }, () => {
  let am: Alertmanager;
  let team: HttpReceiver;
  const dispatcher = new Agent({ keepAliveTimeout: 500 });
  const reasons: string[] = [];

  before(async () => {
    team = await startHttpReceiver(() => ({ status: 200 }));
    am = await startAlertmanager({ webhookUrl: `${team.url}/alertmanager` });
  });
  after(async () => {
    await dispatcher.close();
    await am?.close();
    await team?.close();
  });

  const notifier = (options: Partial<AlertmanagerNotifierOptions> = {}) =>
    new AlertmanagerNotifier({ channel: 'am', url: am.url, dispatcher, ...options });
  const round = (options: Omit<DeliverOptions, 'owner' | 'context'>) => deliverRound(options, reasons);
  const signal = () => new AbortController().signal;
  const active = async (incidentKey: string) =>
    (await am.alerts(incidentMatcher(incidentKey))).filter(
      (alert) => alert.status.state !== 'unprocessed' || true,
    );

  /** The team receiver's notifications about `incidentKey` with `status`, waiting up to 15 s for one. */
  async function teamHears(
    incidentKey: string,
    status: TeamNotification['status'],
  ): Promise<TeamNotification> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const heard = team.requests
        .map((request) => JSON.parse(request.raw) as TeamNotification)
        .find(
          (notification) =>
            notification.status === status &&
            notification.alerts.some((alert) => alert.labels.incident === incidentKey),
        );
      if (heard) return heard;
      if (Date.now() > deadline) assert.fail(`Alertmanager never told the team ${incidentKey} is ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('holds every alerting event type as its golden alert; a resolving type ends the incident; the rest send nothing', async () => {
    const channel = notifier();
    for (const type of EVENT_TYPES) {
      const event = sampleEvent(type);
      const golden = readGolden('alertmanager', type) as Golden;
      // An incident of its own per type, so that one type's alerts never meet another's.
      const incidentKey = `${event.incidentKey}-${type.toLowerCase()}`;
      const mine = { ...event, incidentKey } as MonitorEvent;
      if (golden.action === 'resolve') {
        // Something to resolve: an alert of the same incident, as its opening would have sent.
        const opening = { ...sampleEvent('MASTER_DOWN'), incidentKey } as MonitorEvent;
        assert.deepEqual(await channel.send({ event: opening, context: {} }, signal()), {
          kind: 'delivered',
        });
        assert.equal((await active(incidentKey)).length, 1);
      }
      const before = Date.now();
      const outcome = await channel.send({ event: mine, context: sampleContext(event) }, signal());
      assert.deepEqual(outcome, { kind: 'delivered' }, type);
      const held = await active(incidentKey);
      if (golden.action === 'fire') {
        assert.equal(held.length, 1, `${type} fires one alert`);
        const [alert] = held;
        const expected = golden.alert as PostableAlert;
        assert.deepEqual(alert?.labels, { ...expected.labels, incident: incidentKey }, type);
        assert.deepEqual(alert?.annotations, expected.annotations, type);
        assert.equal(Date.parse(alert?.startsAt ?? ''), Date.parse(expected.startsAt), type);
        const ends = Date.parse(alert?.endsAt ?? '');
        assert.ok(
          ends >= before + 900_000 && ends <= Date.now() + 900_000,
          `${type} ends 15 min after sending`,
        );
      } else {
        assert.deepEqual(held, [], `${type} leaves no alert of its incident`);
      }
    }
  });

  it("an incident's life: an alert per alerting event while open (the escalation's too), both end at the resolution; the team hears firing, then resolved", async () => {
    const channel = notifier();
    const opened = await committedEvents(OPEN, ['am']);
    const first = await round({
      cluster: opened.cluster,
      store: opened.store,
      notifiers: [channel],
      now: () => T0,
    });
    assert.equal(first.delivered.length, OPEN.length);
    const key = opened.events[0]?.incidentKey ?? '';
    const held = await active(key);
    const alerting = opened.events.filter((event) => event.type.startsWith('MASTER_'));
    assert.equal(alerting.length, 2);
    assert.deepEqual(
      held.map((alert) => [alert.labels.alertname, alert.labels.severity]).sort(),
      alerting.map((event) => [event.type, event.severity]).sort(),
    );
    assert.ok(
      held.every((alert) => alert.labels.cluster === opened.cluster && alert.labels.node === 'coord-a.corp'),
    );
    await teamHears(key, 'firing');

    const resolved = await committedEvents(['FAILOVER_COMPLETED'], ['am'], opened);
    const second = await round({
      cluster: opened.cluster,
      store: resolved.store,
      notifiers: [channel],
      now: () => T0,
    });
    assert.equal(second.delivered.length, 1);
    assert.deepEqual(await active(key), []);
    const told = await teamHears(key, 'resolved');
    assert.ok(told.alerts.every((alert) => alert.status === 'resolved'));
  });

  it('a resolution while Alertmanager is unreachable is retried, then ends the alerts', async () => {
    const opened = await committedEvents(['MASTER_DOWN'], ['am']);
    await round({ cluster: opened.cluster, store: opened.store, notifiers: [notifier()], now: () => T0 });
    const key = opened.events[0]?.incidentKey ?? '';
    assert.equal((await active(key)).length, 1);
    const resolved = await committedEvents(['FAILOVER_COMPLETED'], ['am'], opened);
    const gone = notifier({ url: 'http://127.0.0.1:9' });
    const failed = await round({
      cluster: opened.cluster,
      store: resolved.store,
      notifiers: [gone],
      now: () => T0,
    });
    assert.equal(failed.retrying.length, 1);
    assert.match(failed.retrying[0]?.lastError ?? '', /Alertmanager not reachable \(ECONNREFUSED\)/);
    assert.equal((await active(key)).length, 1, 'still firing: nothing was lost');
    const later = await round({
      cluster: opened.cluster,
      store: resolved.store,
      notifiers: [notifier()],
      now: () => T0 + 600_000,
    });
    assert.equal(later.delivered.length, 1);
    assert.deepEqual(await active(key), []);
  });

  it('keeps an open incident alive: both its alerts sent again with a later end, at most once a minute, never over pending deliveries', async () => {
    let clock = Date.now();
    const channel = notifier({ now: () => clock });
    const opened = await committedEvents(OPEN, ['am']);
    await round({ cluster: opened.cluster, store: opened.store, notifiers: [channel], now: () => T0 });
    const key = opened.events[0]?.incidentKey ?? '';
    const endsBefore = new Map(
      (await active(key)).map((alert) => [alert.labels.alertname, Date.parse(alert.endsAt)]),
    );
    assert.equal(endsBefore.size, 2);

    clock += 120_000;
    const keep = (now: number) =>
      keepAlertsAlive({
        cluster: opened.cluster,
        store: opened.store,
        notifiers: [channel],
        open: [{ key, openedAt: T0 }],
        context: sampleContext,
        now,
      });
    const kept = await keep(clock);
    assert.deepEqual(kept, [{ channel: 'am', alerts: 2, outcome: { kind: 'delivered' } }]);
    for (const alert of await active(key)) {
      assert.equal(Date.parse(alert.endsAt) - (endsBefore.get(alert.labels.alertname) ?? 0), 120_000);
    }
    assert.deepEqual(await keep(clock + 30_000), [], 'not due again within a minute');

    // A channel with a delivery still pending is brought up to date by the outbox first.
    const waiting = await committedEvents(['COORDINATOR_DOWN'], ['am'], opened);
    assert.deepEqual(
      await keepAlertsAlive({
        cluster: opened.cluster,
        store: waiting.store,
        notifiers: [notifier()],
        open: [{ key, openedAt: T0 }],
        context: sampleContext,
        now: Date.now(),
      }),
      [],
    );
  });

  it('sends nothing again for an incident routed elsewhere', async () => {
    const opened = await committedEvents(['MASTER_DOWN'], ['chat']);
    const kept = await keepAlertsAlive({
      cluster: opened.cluster,
      store: opened.store,
      notifiers: [notifier()],
      open: [{ key: opened.events[0]?.incidentKey ?? '', openedAt: T0 }],
      context: sampleContext,
      now: Date.now(),
    });
    assert.deepEqual(kept, [{ channel: 'am', alerts: 0, outcome: { kind: 'delivered' } }]);
  });

  it('renders what it posts: a golden alert is accepted as is', async () => {
    const event = sampleEvent('COORDINATOR_DOWN');
    const alert = renderAlert(event, sampleContext(event), Date.now(), 900_000);
    const response = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([alert]),
    });
    assert.equal(response.status, 200, await response.text());
  });
});
