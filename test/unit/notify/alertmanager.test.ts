import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { Agent } from 'undici';
import { EVENT_TYPES } from '../../../shared/events/types.ts';
import {
  AlertmanagerNotifier,
  alertLabels,
  alertmanagerAction,
  alertmanagerBaseUrl,
  classifyAlertmanagerAnswer,
  incidentMatcher,
  renderAlert,
  resolvedAlert,
} from '../../../shared/notify/alertmanager/index.ts';
import type { HttpExchange } from '../../../shared/notify/http.ts';
import { goldenFiles } from '../../support/golden.ts';
import { looseEvent } from '../../support/loose-event.ts';
import { sampleContext, sampleEvent, T0 } from '../../support/notify-events.ts';

const TIMEOUT = 900_000;

/**
 * What Alertmanager receives for every event type: the action, and for `fire` the alert (its end
 * 15 minutes after T0). `resolve` has no body of its own: it ends the incident's alerts Alertmanager holds.
 */
describe('Alertmanager golden alerts', () => {
  const expected = new Map<string, unknown>();
  for (const type of EVENT_TYPES) {
    const event = sampleEvent(type);
    const action = alertmanagerAction(event);
    expected.set(type, {
      action,
      ...(action === 'fire' ? { alert: renderAlert(event, sampleContext(event), T0, TIMEOUT) } : {}),
      ...(action === 'resolve' ? { filter: incidentMatcher(event.incidentKey) } : {}),
    });
  }
  goldenFiles('alertmanager', expected);
});

describe('what each event asks of Alertmanager', () => {
  const cases = [
    ['MASTER_UNRESPONSIVE', 'fire'],
    ['MASTER_DOWN', 'fire'],
    ['TAKEOVER_OVERDUE', 'fire'],
    ['FAILOVER_COMPLETED', 'resolve'],
    ['COORDINATOR_RECOVERED', 'resolve'],
    ['INCIDENT_REMINDER', null],
    ['INCIDENT_ACKNOWLEDGED', null],
    ['DELIVERY_FAILED', 'fire'],
    ['MAINTENANCE_STARTED', null],
  ] as const;
  for (const [type, action] of cases) {
    it(`${type} -> ${action ?? 'nothing'}`, () =>
      assert.equal(alertmanagerAction(sampleEvent(type)), action));
  }
});

describe('the alert', () => {
  it('carries the labels the issue names: alertname, cluster, node, severity, incident', () => {
    const event = sampleEvent('MASTER_DOWN');
    assert.deepEqual(alertLabels(event), {
      alertname: 'MASTER_DOWN',
      cluster: 'prod',
      node: 'coord-a.corp',
      severity: 'critical',
      incident: event.incidentKey,
    });
    assert.equal(alertLabels(sampleEvent('EXECUTORS_LOW')).node, undefined, 'no node, no label');
  });

  it('keeps the same labels at every sending, whatever the time: sending again refreshes it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EVENT_TYPES), fc.integer({ min: 0, max: 10 ** 9 }), (type, later) => {
        const event = sampleEvent(type);
        const sent = Date.parse(event.at);
        const first = renderAlert(event, sampleContext(event), sent, TIMEOUT);
        const again = renderAlert(event, sampleContext(event), sent + later, TIMEOUT);
        assert.deepEqual(again.labels, first.labels);
        assert.equal(Date.parse(again.endsAt) - Date.parse(first.endsAt), later);
      }),
    );
  });

  it('never ends before it starts, whatever the clocks (Alertmanager refuses that)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 * 10 ** 12 }),
        fc.integer({ min: 0, max: 4 * 10 ** 12 }),
        (at, now) => {
          const event = looseEvent({ ...sampleEvent('MASTER_DOWN'), at: new Date(at).toISOString() });
          const alert = renderAlert(event, {}, now, TIMEOUT);
          assert.ok(Date.parse(alert.endsAt) > Date.parse(alert.startsAt));
          const resolved = resolvedAlert(alert, now);
          assert.ok(Date.parse(resolved.endsAt) >= Date.parse(resolved.startsAt));
          assert.deepEqual(resolved.labels, alert.labels);
        },
      ),
    );
  });

  it('links the runbook and the Dremio UI, and leaves out a link that is not http(s)', () => {
    const event = sampleEvent('MASTER_DOWN');
    const alert = renderAlert(event, sampleContext(event), T0, TIMEOUT);
    assert.equal(alert.annotations.runbook_url, 'https://wiki.corp/dremio/failover');
    assert.equal(alert.generatorURL, 'http://coord-a.corp:9047/');
    const odd = renderAlert(
      event,
      { runbookUrl: 'javascript:alert(1)', masterWebUrl: 'ftp://x' },
      T0,
      TIMEOUT,
    );
    assert.equal(odd.annotations.runbook_url, undefined);
    assert.equal(odd.generatorURL, undefined);
  });

  it('escapes the incident key in the matcher', () => {
    assert.equal(incidentMatcher('prod/master/01A'), 'incident="prod/master/01A"');
    assert.equal(incidentMatcher('a"b\\c'), 'incident="a\\"b\\\\c"');
  });
});

describe("Alertmanager's answers", () => {
  const answered = (statusCode: number, body = ''): HttpExchange => ({ kind: 'answered', statusCode, body });
  const cases: ReadonlyArray<[string, HttpExchange, string, RegExp?]> = [
    ['200', answered(200), 'delivered'],
    ['400', answered(400, '{"code":400,"message":"bad"}'), 'failed', /a bug in dremio-ha-monitor/],
    ['404', answered(404, 'page not found'), 'failed', /base URL/],
    ['401', answered(401), 'failed', /headers/],
    ['429', { kind: 'answered', statusCode: 429, body: '', retryAfterMs: 5000 }, 'retry'],
    ['503', answered(503), 'retry'],
    ['timeout', { kind: 'timeout', timeoutMs: 5000 }, 'retry'],
    ['refused', { kind: 'failed', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'retry'],
  ];
  for (const [name, exchange, kind, reason] of cases) {
    it(`${name} -> ${kind}`, () => {
      const outcome = classifyAlertmanagerAnswer(exchange);
      assert.equal(outcome.kind, kind);
      if (reason && outcome.kind !== 'delivered') assert.match(outcome.reason, reason);
    });
  }
});

describe('the channel url', () => {
  const cases: ReadonlyArray<[string, string | null]> = [
    ['http://alertmanager:9093', 'http://alertmanager:9093'],
    ['http://alertmanager:9093/', 'http://alertmanager:9093'],
    ['https://am.corp/prefix/', 'https://am.corp/prefix'],
    ['http://user:pass@am:9093', null],
    ['http://am:9093/?x=1', null],
    ['ftp://am', null],
    ['not a url', null],
  ];
  for (const [url, base] of cases)
    it(`${url} -> ${base}`, () => assert.equal(alertmanagerBaseUrl(url), base));

  it('a notifier prints without its headers', () => {
    const notifier = new AlertmanagerNotifier({
      channel: 'am',
      url: 'http://127.0.0.1:9093',
      headers: { Authorization: 'Bearer s3cr3t-token-value' },
      dispatcher: new Agent(),
    });
    assert.doesNotMatch(inspect(notifier) + JSON.stringify(notifier), /s3cr3t/);
    assert.throws(
      () => new AlertmanagerNotifier({ channel: 'am', url: 'http://u:p@am', dispatcher: new Agent() }),
      /Alertmanager channel am: url must be/,
    );
  });
});
