import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Snapshot } from '../../shared/observe/snapshot.ts';
import { carryOut } from '../../shared/remediate/carry-out.ts';
import type {
  ActionOutcome,
  Executor,
  RestartTarget,
  VerifyOutcome,
} from '../../shared/remediate/executor.ts';
import type { RestartAction } from '../../shared/remediate/plan-types.ts';
import { dremioVerdict } from '../../shared/remediate/verify-dremio.ts';
import { A_ADDRESS, B, B_ADDRESS, C_ADDRESS, SECOND, snapshot, T0 } from './detect-fixtures.ts';

const RESTARTED = T0 + 10 * SECOND;
const AFTER = RESTARTED + SECOND;

function withNode(
  shot: Snapshot,
  address: string,
  change: Partial<Snapshot['coordinators'][number]>,
): Snapshot {
  return {
    ...shot,
    coordinators: shot.coordinators.map((node) => (node.address === address ? { ...node, ...change } : node)),
  };
}

const failedMaster = { address: A_ADDRESS, role: 'master-candidate', reason: 'failed-master' } as const;
const downCoordinator = { address: C_ADDRESS, role: 'coordinator', reason: 'coordinator-down' } as const;

describe('dremioVerdict: what a snapshot says about a restarted node', () => {
  const cases: Array<[string, Snapshot, RestartAction['target'], 'verified' | 'not-yet', string]> = [
    [
      'a coordinator seen before the restart',
      snapshot(RESTARTED - 1),
      downCoordinator,
      'not-yet',
      'no observation',
    ],
    [
      'a coordinator registered and answering OK',
      snapshot(AFTER),
      downCoordinator,
      'verified',
      'serverStatus',
    ],
    [
      'a coordinator registered but answering master_down',
      withNode(snapshot(AFTER), C_ADDRESS, { http: { kind: 'master_down', latencyMs: 3 } }),
      downCoordinator,
      'not-yet',
      'answers master_down',
    ],
    [
      'a coordinator answering but not registered',
      withNode(snapshot(AFTER), C_ADDRESS, { registered: false }),
      downCoordinator,
      'not-yet',
      'is not registered',
    ],
    [
      'HTTP results older than the restart (a watch-mode change snapshot)',
      { ...snapshot(AFTER), httpObservedAt: new Date(RESTARTED - 1).toISOString() },
      downCoordinator,
      'not-yet',
      'no observation',
    ],
    [
      'a failed master behind a healthy new master',
      snapshot(AFTER, { master: B }),
      failedMaster,
      'verified',
      'standby',
    ],
    ['a failed master that took over again', snapshot(AFTER), failedMaster, 'verified', '"master"'],
    [
      'a failed master while the new master does not answer',
      snapshot(AFTER, { master: B, http: { [B_ADDRESS]: 'timeout' } }),
      failedMaster,
      'not-yet',
      'no single master',
    ],
    ['no master at all', snapshot(AFTER, { master: null }), failedMaster, 'not-yet', 'no single master'],
    ['ZooKeeper unreadable', snapshot(AFTER, { reachable: false }), failedMaster, 'not-yet', 'cannot see'],
    [
      'an unknown address',
      snapshot(AFTER),
      { ...downCoordinator, address: '10.9.9.9' },
      'not-yet',
      'not a configured',
    ],
  ];
  for (const [what, shot, target, kind, mention] of cases) {
    it(`${kind}: ${what}`, () => {
      const verdict = dremioVerdict(shot, target, RESTARTED);
      assert.equal(verdict.kind, kind);
      assert.match(JSON.stringify(verdict), new RegExp(mention));
    });
  }
});

/** An executor that answers from a script and records what it was asked. */
class ScriptedExecutor implements Executor {
  readonly calls: string[] = [];
  constructor(
    readonly restartOutcome: ActionOutcome | Error,
    readonly verifications: VerifyOutcome[],
  ) {}
  async restart(target: RestartTarget): Promise<ActionOutcome> {
    this.calls.push(`restart ${target.address}`);
    if (this.restartOutcome instanceof Error) throw this.restartOutcome;
    return this.restartOutcome;
  }
  async verify(target: RestartTarget): Promise<VerifyOutcome> {
    this.calls.push(`verify ${target.address}`);
    return this.verifications.shift() ?? { kind: 'not-yet', reason: 'script exhausted' };
  }
}

function action(target: RestartAction['target'], overrides: Partial<RestartAction> = {}): RestartAction {
  return { kind: 'restart', id: 'ACT1', cluster: 'prod', target, dryRun: false, deadline: 0, ...overrides };
}

describe('carryOut: restart, then verify the machine, then Dremio, by the deadline', () => {
  const done: ActionOutcome = { kind: 'done', facts: { instanceId: 'i-0abc1234', requestIds: ['r-1'] } };
  const soon = () => Date.now() + 2000;

  it('succeeds once the machine and then Dremio are verified, keeping the facts of each step', async () => {
    const executor = new ScriptedExecutor(done, [
      { kind: 'not-yet', reason: 'pending' },
      { kind: 'verified', facts: { statusChecks: 'ok' } },
    ]);
    const observations = [snapshot(0), snapshot(Date.now() + 60_000)];
    const settled = await carryOut(action(downCoordinator), {
      executor,
      method: 'stop-start',
      observe: async () => observations.shift() ?? snapshot(0),
      deadline: soon(),
      pollMs: 1,
    });
    assert.equal(settled.kind, 'succeeded');
    assert.deepEqual(executor.calls, [`restart ${C_ADDRESS}`, `verify ${C_ADDRESS}`, `verify ${C_ADDRESS}`]);
    assert.equal(settled.facts.instanceId, 'i-0abc1234');
    assert.deepEqual(settled.facts.machine, { statusChecks: 'ok' });
    assert.deepEqual(settled.facts.dremio, { registered: true, serverStatus: 'ok' });
  });

  it('a failed restart is the outcome, and nothing is verified', async () => {
    const refused: ActionOutcome = {
      kind: 'failed',
      reason: 'instance terminated',
      retryable: false,
      facts: {},
    };
    const executor = new ScriptedExecutor(refused, []);
    const settled = await carryOut(action(failedMaster), {
      executor,
      method: 'reboot',
      observe: async () => assert.fail('must not observe'),
      deadline: soon(),
    });
    assert.deepEqual(settled, refused);
    assert.deepEqual(executor.calls, [`restart ${A_ADDRESS}`]);
  });

  it('fails, retryable, with the last reason when Dremio is not back by the deadline', async () => {
    const executor = new ScriptedExecutor(done, [{ kind: 'verified', facts: {} }]);
    const settled = await carryOut(action(downCoordinator), {
      executor,
      method: 'stop-start',
      observe: async () => withNode(snapshot(Date.now()), C_ADDRESS, { registered: false }),
      deadline: Date.now() + 50,
      pollMs: 5,
    });
    assert.equal(settled.kind, 'failed');
    assert.ok(settled.kind === 'failed' && settled.retryable);
    assert.match(
      settled.kind === 'failed' ? settled.reason : '',
      /not verified by the deadline: .*is not registered/,
    );
  });

  it('a machine that fails verification fails the action', async () => {
    const executor = new ScriptedExecutor(done, [
      { kind: 'failed', reason: 'status checks impaired', facts: {} },
    ]);
    const settled = await carryOut(action(downCoordinator), {
      executor,
      method: 'stop-start',
      observe: async () => assert.fail('must not observe'),
      deadline: soon(),
    });
    assert.equal(settled.kind === 'failed' && settled.reason, 'status checks impaired');
  });

  it('a dry run calls no restart and observes nothing', async () => {
    const executor = new ScriptedExecutor(done, []);
    const settled = await carryOut(action(failedMaster, { dryRun: true }), {
      executor,
      method: 'stop-start',
      observe: async () => assert.fail('must not observe'),
      deadline: soon(),
    });
    assert.equal(settled.kind, 'succeeded');
    assert.deepEqual(executor.calls, []);
    assert.equal(settled.facts.dryRun, true);
    assert.equal(settled.facts.permission, 'not-checked');
  });

  it('an executor that throws is a failure with its message, never an exception', async () => {
    const executor = new ScriptedExecutor(new Error('socket hang up'), []);
    const settled = await carryOut(action(downCoordinator), {
      executor,
      method: 'reboot',
      observe: async () => snapshot(0),
      deadline: soon(),
    });
    assert.deepEqual(settled, {
      kind: 'failed',
      reason: 'socket hang up',
      retryable: true,
      facts: { unexpected: true },
    });
  });
});
