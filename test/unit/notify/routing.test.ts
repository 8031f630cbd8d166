import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MonitorEvent } from '../../../shared/events/types.ts';
import { incidentsToLookUp, planOutbox } from '../../../shared/notify/routing.ts';
import type { IncidentRoute } from '../../../shared/record/outbox.ts';
import { type LooseEvent, looseEvent } from '../../support/loose-event.ts';

let sequence = 0;
function event(overrides: Partial<LooseEvent>): MonitorEvent {
  sequence += 1;
  return looseEvent({
    id: `01JD${String(sequence).padStart(22, '0')}`,
    cluster: 'prod',
    type: 'MASTER_UNRESPONSIVE',
    severity: 'warning',
    at: '2026-11-21T23:00:00.000Z',
    incidentKey: 'prod/master/1',
    summary: 's',
    facts: {},
    ...overrides,
  });
}

const routes = [
  { channel: 'slack' },
  { channel: 'sms', severities: ['critical'] as const },
  { channel: 'failovers', types: ['FAILOVER_COMPLETED'] as const },
];
const channelsOf = (outbox: ReturnType<typeof planOutbox>) =>
  outbox.deliveries.map((delivery) => `${delivery.event.type}>${delivery.channel}`);

describe('routing: planOutbox', () => {
  it('sends an opening event to the channels whose filters match, and remembers them', () => {
    const outbox = planOutbox([event({ incidentAction: 'open' })], routes, new Map(), 0);
    assert.deepEqual(channelsOf(outbox), ['MASTER_UNRESPONSIVE>slack']);
    assert.deepEqual(outbox.routes, [{ incidentKey: 'prod/master/1', channels: ['slack'], threads: {} }]);
  });

  it('widens an incident on escalation, and resolves it everywhere it paged', () => {
    const known = new Map<string, IncidentRoute>([
      ['prod/master/1', { incidentKey: 'prod/master/1', channels: ['slack'], threads: { slack: '123.4' } }],
    ]);
    const down = event({ type: 'MASTER_DOWN', severity: 'critical', incidentAction: 'update' });
    const failover = event({ type: 'FAILOVER_COMPLETED', severity: 'critical', incidentAction: 'resolve' });
    const outbox = planOutbox([down, failover], routes, known, 0);
    assert.deepEqual(channelsOf(outbox), [
      'MASTER_DOWN>slack',
      'MASTER_DOWN>sms',
      'FAILOVER_COMPLETED>slack',
      'FAILOVER_COMPLETED>sms',
    ]);
    assert.deepEqual(outbox.routes, [
      { incidentKey: 'prod/master/1', channels: ['slack', 'sms'], threads: { slack: '123.4' } },
    ]);
  });

  it('sends reminders and acknowledgements only where the incident paged, whatever their severity', () => {
    const known = new Map([
      ['prod/master/1', { incidentKey: 'prod/master/1', channels: ['sms'], threads: {} }],
    ]);
    const remind = event({ type: 'INCIDENT_REMINDER', severity: 'info', incidentAction: 'remind' });
    assert.deepEqual(channelsOf(planOutbox([remind], routes, known, 0)), ['INCIDENT_REMINDER>sms']);
    assert.deepEqual(incidentsToLookUp([remind, event({ incidentAction: 'open' })]), ['prod/master/1']);
  });

  it('holds back suppressed events, except the resolution of an incident that paged', () => {
    const known = new Map([
      ['prod/master/1', { incidentKey: 'prod/master/1', channels: ['slack'], threads: {} }],
    ]);
    const muted = event({
      type: 'MASTER_DOWN',
      severity: 'critical',
      incidentAction: 'open',
      suppressed: true,
    });
    const resolved = event({
      type: 'MASTER_RETURNED',
      severity: 'info',
      incidentAction: 'resolve',
      suppressed: true,
    });
    assert.deepEqual(channelsOf(planOutbox([muted], routes, new Map(), 0)), []);
    assert.deepEqual(channelsOf(planOutbox([resolved], routes, known, 0)), ['MASTER_RETURNED>slack']);
    assert.deepEqual(channelsOf(planOutbox([resolved], routes, new Map(), 0)), []);
  });

  it('never sends DELIVERY_FAILED to the channel that failed', () => {
    const failed = event({ type: 'DELIVERY_FAILED', severity: 'critical', facts: { channel: 'slack' } });
    assert.deepEqual(channelsOf(planOutbox([failed], routes, new Map(), 0)), ['DELIVERY_FAILED>sms']);
  });
});
