import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addMaintenance,
  defaultPolicy,
  endMaintenance,
  initialState,
  tick,
} from '../../../shared/detect/index.ts';
import { factsRecord } from '../../../shared/events/read.ts';
import {
  applied,
  B,
  C_ADDRESS,
  CLUSTER,
  idGenerator,
  MINUTE,
  masterDown,
  replay,
  SECOND,
  series,
  snapshot,
  T0,
  types,
} from '../../support/detect-fixtures.ts';

const S10 = 10 * SECOND;
const at = (seconds: number) => T0 + seconds * SECOND;
const policy = defaultPolicy();

describe('maintenance windows', () => {
  const window = {
    id: 'patch-42',
    start: at(300),
    end: at(300) + 60 * MINUTE,
    owner: 'alice',
    reason: 'OS patching',
  };

  it('start, suppressed events inside, end with a re-page of what is still open', () => {
    const base = replay([snapshot(at(0))]).state;
    const added = applied(addMaintenance(base, window, at(100), idGenerator('M')));
    assert.deepEqual(added.events, [], 'a future window starts later');
    const run = replay(
      [
        { tick: at(300) },
        snapshot(at(310)),
        ...series(at(320), 3, S10, { master: null }),
        { tick: at(300) + 59 * MINUTE },
        { tick: window.end },
        { tick: window.end + MINUTE },
      ],
      policy,
      added.state,
    );
    assert.deepEqual(types(run.events), [
      'MAINTENANCE_STARTED',
      'MASTER_DOWN',
      'TAKEOVER_OVERDUE',
      'MAINTENANCE_ENDED',
      'INCIDENT_REMINDER',
    ]);
    const [started, down, overdue, ended, reminder] = run.events;
    assert.equal(started?.suppressed, undefined);
    assert.equal(started?.incidentKey, `${CLUSTER}/maintenance/patch-42`);
    assert.match(started?.summary ?? '', /alice.*OS patching/);
    for (const event of [down, overdue]) {
      assert.equal(event?.suppressed, true);
      assert.deepEqual(factsRecord(event).maintenance, {
        windowId: 'patch-42',
        owner: 'alice',
        until: new Date(window.end).toISOString(),
      });
    }
    assert.equal(ended?.suppressed, undefined);
    assert.equal(factsRecord(ended).outcome, 'expired');
    assert.deepEqual(factsRecord(ended).openIncidents, [down?.incidentKey]);
    assert.equal(reminder?.suppressed, undefined);
    assert.equal(reminder?.incidentKey, down?.incidentKey);
    assert.equal(factsRecord(reminder).reason, 'never_paged');
    assert.equal(reminder?.severity, 'critical');
    assert.deepEqual(run.state.maintenance, []);
  });

  it('nothing to re-page when the problem ended inside the window', () => {
    const started = applied(
      addMaintenance(replay([snapshot(at(0))]).state, { ...window, start: at(0) }, at(1), idGenerator('M')),
    );
    assert.deepEqual(
      types(started.events),
      ['MAINTENANCE_STARTED'],
      'an already started window starts at once',
    );
    const run = replay(
      [...series(at(10), 3, S10, { master: null }), snapshot(at(40), { master: B }), { tick: window.end }],
      policy,
      started.state,
    );
    assert.deepEqual(types(run.events), ['MASTER_DOWN', 'FAILOVER_COMPLETED', 'MAINTENANCE_ENDED']);
    assert.ok(run.events.slice(0, 2).every((event) => event.suppressed === true));
  });

  it('an incident opened before the window keeps paging after it, not during it', () => {
    const { state } = masterDown();
    const added = applied(
      addMaintenance(
        state,
        { ...window, start: at(30), end: at(30) + 2 * 60 * MINUTE },
        at(30),
        idGenerator('M'),
      ),
    );
    const run = replay(
      [{ tick: at(30) + 90 * MINUTE }, { tick: at(30) + 2 * 60 * MINUTE }],
      policy,
      added.state,
    );
    assert.deepEqual(run.steps.map(types), [
      ['TAKEOVER_OVERDUE'],
      ['MAINTENANCE_ENDED', 'INCIDENT_REMINDER'],
    ]);
  });

  it('endMaintenance ends an active window early and re-pages; a scheduled one is cancelled', () => {
    const started = applied(
      addMaintenance(replay([snapshot(at(0))]).state, { ...window, start: at(0) }, at(1), idGenerator('M')),
    );
    const during = replay(series(at(10), 3, S10, { master: null }), policy, started.state);
    const ended = applied(endMaintenance(during.state, 'patch-42', at(60), idGenerator('N')));
    assert.deepEqual(types(ended.events), ['MAINTENANCE_ENDED', 'INCIDENT_REMINDER']);
    assert.equal(factsRecord(ended.events[0]).outcome, 'ended_early');
    const scheduled = applied(addMaintenance(initialState(CLUSTER), window, at(0), idGenerator('M')));
    const cancelled = applied(endMaintenance(scheduled.state, 'patch-42', at(1), idGenerator('N')));
    assert.deepEqual(types(cancelled.events), ['MAINTENANCE_ENDED']);
    assert.equal(factsRecord(cancelled.events[0]).outcome, 'cancelled');
    assert.deepEqual(cancelled.state.maintenance, []);
  });

  it('a window missed entirely between two ticks still starts and ends on the record', () => {
    const scheduled = applied(addMaintenance(initialState(CLUSTER), window, at(0), idGenerator('M')));
    assert.deepEqual(types(tick(scheduled.state, window.end + 1, policy, idGenerator()).events), [
      'MAINTENANCE_STARTED',
      'MAINTENANCE_ENDED',
    ]);
  });

  it('ids come from the generator when not given', () => {
    const added = applied(
      addMaintenance(initialState(CLUSTER), { ...window, id: undefined }, at(0), () => '01JABCDEF'),
    );
    assert.equal(added.state.maintenance[0]?.id, '01JABCDEF');
  });

  const invalid: Array<[string, Parameters<typeof addMaintenance>[1], string]> = [
    ['end before start', { ...window, end: window.start }, 'end'],
    ['end in the past', { ...window, start: at(-100), end: at(-50) }, 'end'],
    ['no owner', { ...window, owner: '' }, 'owner'],
    ['no reason', { ...window, reason: '  ' }, 'reason'],
    ['a bad id', { ...window, id: '../x' }, 'id'],
    ['a start that is not a time', { ...window, start: Number.NaN }, 'start'],
  ];
  for (const [name, request, field] of invalid) {
    it(`refuses ${name}`, () => {
      const result = addMaintenance(initialState(CLUSTER), request, at(0), idGenerator());
      assert.equal(result.kind, 'rejected');
      assert.equal(
        result.kind === 'rejected' && result.error.kind === 'invalid_argument' && result.error.field,
        field,
      );
    });
  }

  it('refuses a duplicate id and an unknown window', () => {
    const added = applied(addMaintenance(initialState(CLUSTER), window, at(0), idGenerator()));
    const again = addMaintenance(added.state, window, at(0), idGenerator());
    assert.deepEqual(again.kind === 'rejected' && again.error, {
      kind: 'duplicate_window',
      windowId: 'patch-42',
    });
    const unknown = endMaintenance(added.state, 'nope', at(0), idGenerator());
    assert.deepEqual(unknown.kind === 'rejected' && unknown.error, {
      kind: 'unknown_window',
      windowId: 'nope',
    });
  });

  it('suppresses a coordinator incident too, and reminders wait for the end', () => {
    const started = applied(
      addMaintenance(replay([snapshot(at(0))]).state, { ...window, start: at(0) }, at(1), idGenerator('M')),
    );
    const run = replay(
      [
        ...series(at(10), 3, S10, { http: { [C_ADDRESS]: 'refused' }, unregistered: [C_ADDRESS] }),
        { tick: at(40) + 45 * MINUTE },
      ],
      policy,
      started.state,
    );
    assert.deepEqual(types(run.events), ['COORDINATOR_DOWN']);
    assert.equal(run.events[0]?.suppressed, true);
  });
});
