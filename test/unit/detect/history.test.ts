import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPolicy } from '../../../shared/detect/index.ts';
import { factsRecord } from '../../../shared/events/read.ts';
import {
  A,
  A_ADDRESS,
  B,
  type Frame,
  MINUTE,
  replay,
  SECOND,
  series,
  snapshot,
  T0,
  types,
} from '../../support/detect-fixtures.ts';

const S10 = 10 * SECOND;
const at = (seconds: number) => T0 + seconds * SECOND;

const SIGKILL_START: readonly Frame[] = [
  snapshot(at(0)),
  snapshot(at(10), { http: { [A_ADDRESS]: 'refused' } }),
  snapshot(at(20), { http: { [A_ADDRESS]: 'refused' } }),
  snapshot(at(30), { http: { [A_ADDRESS]: 'refused' } }),
];

describe('detect: takeover overdue', () => {
  const down = [snapshot(at(0)), ...series(at(10), 2, S10, { master: null })];
  // The registration went at 10 s; budget 180 s: due after 190 s.
  it('fires once, when no standby registered within the startup budget after the registration went', () => {
    const run = replay([
      ...down,
      { tick: at(190) },
      { tick: at(191) },
      snapshot(at(230), { master: null }),
      { tick: at(400) },
      snapshot(at(410), { master: B }),
    ]);
    assert.deepEqual(types(run.events), ['MASTER_DOWN', 'TAKEOVER_OVERDUE', 'FAILOVER_COMPLETED']);
    const [masterDown, overdue, failover] = run.events;
    assert.equal(factsRecord(masterDown).takeoverExpectedBy, new Date(at(190)).toISOString());
    assert.equal(overdue?.severity, 'critical');
    assert.equal(overdue?.at, new Date(at(191)).toISOString());
    assert.equal(overdue?.incidentKey, masterDown?.incidentKey);
    assert.equal(factsRecord(overdue).sessionTimeoutMs, 40_000);
    assert.equal(failover?.incidentAction, 'resolve');
    assert.ok((overdue?.steps ?? []).length > 0);
  });

  it("counts from the dying master's expected session expiry when the monitor saw the registration go late", () => {
    const refused = { http: { [A_ADDRESS]: 'refused' as const } };
    const run = replay([
      snapshot(at(0)),
      ...series(at(1), 2, SECOND, refused),
      ...series(at(3), 3, S10, { reachable: false }),
      ...series(at(110), 2, S10, { master: null }),
      { tick: at(220) },
      { tick: at(221) },
    ]);
    assert.deepEqual(types(run.events), [
      'MASTER_UNRESPONSIVE',
      'OBSERVATION_FAILED',
      'OBSERVATION_RECOVERED',
      'MASTER_DOWN',
      'TAKEOVER_OVERDUE',
    ]);
    // Last answer at 0 s, session 40 s: the failover was due at 40 s, the takeover by 220 s.
    const unresponsive = run.events[0];
    assert.equal(factsRecord(unresponsive).failoverExpectedBy, new Date(at(40)).toISOString());
    assert.equal(run.events[4]?.at, new Date(at(221)).toISOString());
  });

  it("the policy's session timeout wins over the one ZooKeeper granted the monitor", () => {
    const policy = defaultPolicy({ sessionTimeoutMs: 60_000 });
    const run = replay(
      [snapshot(at(0)), ...series(at(1), 2, SECOND, { http: { [A_ADDRESS]: 'refused' } })],
      policy,
    );
    assert.equal(factsRecord(run.events[0]).sessionTimeoutMs, 60_000);
    assert.equal(factsRecord(run.events[0]).failoverExpectedBy, new Date(at(60)).toISOString());
    const unknown = replay([
      snapshot(at(0), { sessionTimeoutMs: null }),
      ...series(at(1), 2, SECOND, { http: { [A_ADDRESS]: 'refused' }, sessionTimeoutMs: null }),
    ]);
    assert.equal(factsRecord(unknown.events[0]).sessionTimeoutMs, 90_000, "Dremio's own request");
  });

  it('detect does what tick does', () => {
    const run = replay([...down, snapshot(at(300), { master: null })]);
    assert.deepEqual(types(run.events), ['MASTER_DOWN', 'TAKEOVER_OVERDUE']);
  });

  it('never while the monitor cannot see', () => {
    const run = replay([...down, ...series(at(30), 3, S10, { reachable: false }), { tick: at(600) }]);
    // Blind for ten minutes: that is critical itself (nobody is watching), but no takeover is judged.
    assert.deepEqual(types(run.events), ['MASTER_DOWN', 'OBSERVATION_FAILED', 'OBSERVATION_FAILED']);
  });
});

describe('detect: flapping', () => {
  const flip = (seconds: number, master: typeof A) => snapshot(at(seconds), { master });
  it('the third leadership change in the window is FLAPPING; later changes are recorded suppressed', () => {
    const run = replay([flip(0, A), flip(10, B), flip(20, A), flip(30, B), flip(40, A), flip(50, B)]);
    assert.deepEqual(types(run.events), [
      'FAILOVER_COMPLETED',
      'FAILOVER_COMPLETED',
      'FAILOVER_COMPLETED',
      'FLAPPING',
      'FAILOVER_COMPLETED',
      'FAILOVER_COMPLETED',
    ]);
    const [first, second, third, flapping, fourth, fifth] = run.events;
    for (const event of [first, second, third, flapping]) assert.equal(event?.suppressed, undefined);
    assert.equal(flapping?.severity, 'warning');
    assert.equal(flapping?.incidentAction, 'notice');
    for (const [event, changes] of [
      [fourth, 4],
      [fifth, 5],
    ] as const) {
      assert.equal(event?.suppressed, true);
      assert.deepEqual(factsRecord(event).flapping, { since: new Date(at(30)).toISOString(), changes });
    }
  });

  it('the episode ends when the window slides past, and a new one pages again', () => {
    const run = replay([
      flip(0, A),
      flip(10, B),
      flip(20, A),
      flip(30, B),
      { tick: at(31 * 60) },
      flip(32 * 60, A),
    ]);
    const last = run.events.at(-1);
    assert.equal(last?.type, 'FAILOVER_COMPLETED');
    assert.equal(last?.suppressed, undefined);
    assert.equal(run.state.leadership.episode.kind, 'steady');
  });

  it('restarts count as leadership changes', () => {
    const restart = (seconds: number, startTime: number) =>
      snapshot(at(seconds), { master: { ...A, startTime, znode: `z${startTime}` } });
    const run = replay([restart(0, 1), restart(10, 2), restart(20, 3), restart(30, 4)]);
    assert.deepEqual(types(run.events), [
      'MASTER_RESTARTED',
      'MASTER_RESTARTED',
      'MASTER_RESTARTED',
      'FLAPPING',
    ]);
  });

  it('never suppresses MASTER_DOWN', () => {
    const run = replay([
      flip(0, A),
      flip(10, B),
      flip(20, A),
      flip(30, B),
      ...series(at(40), 3, S10, { master: null }),
    ]);
    const masterDown = run.events.find((event) => event.type === 'MASTER_DOWN');
    assert.equal(masterDown?.suppressed, undefined);
  });
});

describe('detect: out-of-order and repeated snapshots', () => {
  it('a repeated snapshot changes nothing', () => {
    const first = replay(SIGKILL_START);
    const again = replay([SIGKILL_START[3] as Frame], defaultPolicy(), first.state);
    assert.deepEqual(again.events, []);
    assert.equal(again.state, first.state);
  });

  it('an older snapshot changes nothing, even one that would change the master', () => {
    const first = replay([snapshot(at(0)), snapshot(at(20))]);
    const late = replay([snapshot(at(10), { master: B })], defaultPolicy(), first.state);
    assert.deepEqual(late.events, []);
    assert.equal(late.state, first.state);
  });

  it('a snapshot of another cluster is a programming error', () => {
    const first = replay([snapshot(at(0))]);
    assert.throws(
      () => replay([snapshot(at(10), { cluster: 'other' })], defaultPolicy(), first.state),
      TypeError,
    );
  });

  it('the whole SIGKILL story lasts minutes, not the 10 s window, at a one-minute schedule', () => {
    const run = replay([
      snapshot(at(0)),
      snapshot(at(60), { master: null }),
      snapshot(at(120), { master: null }),
      snapshot(at(180), { master: B }),
    ]);
    assert.deepEqual(types(run.events), ['MASTER_DOWN', 'FAILOVER_COMPLETED']);
    assert.equal(factsRecord(run.events[1]).outageMs, 3 * MINUTE);
  });
});
