import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acknowledge, defaultPolicy } from '../../../shared/detect/index.ts';
import { factsRecord } from '../../../shared/events/read.ts';
import {
  applied,
  B,
  CLUSTER,
  idGenerator,
  MINUTE,
  masterDown,
  replay,
  SECOND,
  snapshot,
  T0,
  types,
} from '../../support/detect-fixtures.ts';

const _S10 = 10 * SECOND;
const at = (seconds: number) => T0 + seconds * SECOND;
const policy = defaultPolicy();

describe('incidents: reminders and acknowledgement', () => {
  it('INCIDENT_REMINDER every repeatIntervalMs while open, with the incident severity and key', () => {
    const { state, key } = masterDown();
    const patient = defaultPolicy({ standbyStartupBudgetMs: 24 * 60 * MINUTE });
    // The incident paged at 20 s: reminders at 20 s + 30 min and + 60 min.
    const run = replay(
      [
        { tick: at(20) + 29 * MINUTE },
        { tick: at(20) + 30 * MINUTE },
        { tick: at(20) + 45 * MINUTE },
        { tick: at(20) + 60 * MINUTE },
      ],
      patient,
      state,
    );
    assert.deepEqual(run.steps.map(types), [[], ['INCIDENT_REMINDER'], [], ['INCIDENT_REMINDER']]);
    const reminder = run.steps[1]?.[0];
    assert.equal(reminder?.severity, 'critical');
    assert.equal(reminder?.incidentKey, key);
    assert.equal(reminder?.incidentAction, 'remind');
    assert.equal(reminder?.at, new Date(at(20) + 30 * MINUTE).toISOString());
    assert.match(reminder?.summary ?? '', /^Still open after 30 min/);
  });

  it('a new event of the incident (an escalation) restarts the reminder clock', () => {
    const { state } = masterDown();
    // TAKEOVER_OVERDUE pages at 221 s (40 s session + 180 s budget after last seen at 0 s)
    const run = replay(
      [{ tick: at(221) }, { tick: at(20) + 30 * MINUTE }, { tick: at(221) + 30 * MINUTE }],
      policy,
      state,
    );
    assert.deepEqual(run.steps.map(types), [['TAKEOVER_OVERDUE'], [], ['INCIDENT_REMINDER']]);
  });

  it('acknowledge stops the reminders and is recorded', () => {
    const { state, key } = masterDown();
    const acked = applied(acknowledge(state, key, 'alice', 'restarting coord-a', at(60), idGenerator('K')));
    assert.deepEqual(types(acked.events), ['INCIDENT_ACKNOWLEDGED']);
    const event = acked.events[0];
    assert.equal(event?.incidentKey, key);
    assert.equal(event?.incidentAction, 'acknowledge');
    assert.deepEqual([factsRecord(event).by, factsRecord(event).reason], ['alice', 'restarting coord-a']);
    assert.deepEqual(acked.state.incidents[0]?.acknowledged, {
      by: 'alice',
      reason: 'restarting coord-a',
      at: at(60),
    });
    const later = replay([{ tick: at(20) + 3 * 60 * MINUTE }], policy, acked.state);
    assert.deepEqual(types(later.events), ['TAKEOVER_OVERDUE']);
    assert.equal(state.incidents[0]?.acknowledged, undefined, 'the input state is not changed');
  });

  it('a resolved incident gets no reminders', () => {
    const { state } = masterDown();
    const run = replay([snapshot(at(40), { master: B }), { tick: at(40) + 2 * 60 * MINUTE }], policy, state);
    assert.deepEqual(types(run.events), ['FAILOVER_COMPLETED']);
  });

  it('unknown, resolved and already acknowledged keys are typed errors', () => {
    const { state, key } = masterDown();
    const unknown = acknowledge(state, `${CLUSTER}/master/nope`, 'alice', 'x', at(60), idGenerator());
    assert.equal(unknown.kind, 'rejected');
    assert.deepEqual(unknown.kind === 'rejected' && unknown.error, {
      kind: 'unknown_incident',
      incidentKey: `${CLUSTER}/master/nope`,
    });
    assert.equal(unknown.state, state);
    assert.deepEqual(unknown.events, []);
    const once = applied(acknowledge(state, key, 'alice', 'on it', at(60), idGenerator()));
    const twice = acknowledge(once.state, key, 'bob', 'me too', at(61), idGenerator());
    assert.equal(twice.kind === 'rejected' && twice.error.kind, 'already_acknowledged');
    const empty = acknowledge(state, key, ' ', 'x', at(60), idGenerator());
    assert.deepEqual(empty.kind === 'rejected' && empty.error, {
      kind: 'invalid_argument',
      field: 'by',
      reason: 'must not be empty',
    });
  });
});

describe('defaultPolicy', () => {
  it('has the documented defaults', () => {
    assert.deepEqual(
      { ...defaultPolicy() },
      {
        masterRefusedMs: 1000,
        noAnswerMs: 10_000,
        startupGraceMs: 60_000,
        masterDownConfirmMs: 10_000,
        confirmSnapshots: 2,
        sessionTimeoutMs: null,
        standbyStartupBudgetMs: 180_000,
        coordinatorDownMs: 5000,
        blindCriticalMs: 300_000,
        minimumExecutors: 0,
        flapChanges: 3,
        flapWindowMs: 1_800_000,
        repeatIntervalMs: 1_800_000,
      },
    );
  });

  it('applies overrides, ignores undefined ones, and refuses nonsense', () => {
    assert.equal(defaultPolicy({ minimumExecutors: 2, flapChanges: undefined }).minimumExecutors, 2);
    assert.equal(defaultPolicy({ flapChanges: undefined }).flapChanges, 3);
    assert.throws(() => defaultPolicy({ masterRefusedMs: -1 }), RangeError);
    assert.throws(() => defaultPolicy({ noAnswerMs: Number.NaN }), RangeError);
    assert.throws(() => defaultPolicy({ repeatIntervalMs: 1.5 }), RangeError);
    assert.throws(() => defaultPolicy({ minimumExecutors: -1 }), RangeError);
  });
});
