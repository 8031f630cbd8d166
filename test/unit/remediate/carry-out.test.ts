import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Snapshot } from '../../../shared/observe/snapshot.ts';
import { carryOut, outcomeEvent } from '../../../shared/remediate/carry-out.ts';
import type {
  ActionOutcome,
  Executor,
  RestartTarget,
  ServiceState,
  VerifyOutcome,
} from '../../../shared/remediate/executor.ts';
import type { RestartAction } from '../../../shared/remediate/plan-types.ts';
import { dremioVerdict } from '../../../shared/remediate/verify-dremio.ts';
import { A_ADDRESS, B, B_ADDRESS, C_ADDRESS, SECOND, snapshot, T0 } from '../../support/detect-fixtures.ts';

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

const NOT_POSSIBLE = 'not possible: the executor cannot see the service (set remediation.ec2.serviceUnit)';

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

/** One that can look before restarting (a service unit is configured), and answers `service`. */
class LookingExecutor extends ScriptedExecutor {
  service: ServiceState = { kind: 'unknown', reason: 'unset', facts: {} };
  async inspect(target: RestartTarget): Promise<ServiceState> {
    this.calls.push(`inspect ${target.address}`);
    return this.service;
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
    assert.deepEqual(settled, { ...refused, facts: { lookedBefore: NOT_POSSIBLE } });
    assert.deepEqual(executor.calls, [`restart ${A_ADDRESS}`]);
  });

  it('looks before restarting: Dremio already running is recorded and nothing is restarted', async () => {
    const executor = new LookingExecutor(done, []);
    executor.service = { kind: 'running', facts: { service: { serviceState: 'active' } } };
    const settled = await carryOut(action(failedMaster), {
      executor,
      method: 'stop-start',
      observe: async () => assert.fail('must not observe'),
      deadline: soon(),
    });
    assert.equal(settled.kind, 'succeeded');
    assert.equal(settled.facts.alreadyRunning, true);
    assert.deepEqual(settled.facts.verified, ['service-active']);
    assert.deepEqual(executor.calls, [`inspect ${A_ADDRESS}`], 'no restart');
    const event = outcomeEvent(action(failedMaster), settled, T0, () => 'E1');
    assert.match(event.summary, /already runs on 10\.0\.0\.11.*nothing was restarted; it waits as a standby/);
  });

  it('a service known stopped, or that cannot be told, is restarted as planned', async () => {
    for (const service of [
      { kind: 'not-running', facts: { instanceState: 'stopped' } },
      { kind: 'unknown', reason: 'the SSM agent did not answer', facts: {} },
    ] as const) {
      const executor = new LookingExecutor({ kind: 'failed', reason: 'x', retryable: true, facts: {} }, []);
      executor.service = service;
      const settled = await carryOut(action(failedMaster), {
        executor,
        method: 'stop-start',
        observe: async () => snapshot(0),
        deadline: soon(),
      });
      assert.deepEqual(executor.calls, [`inspect ${A_ADDRESS}`, `restart ${A_ADDRESS}`]);
      assert.deepEqual(settled.facts.lookedBefore, service);
    }
  });

  it('says exactly what a success verified: the machine only, never "it rejoins as a standby"', async () => {
    const executor = new ScriptedExecutor(done, [{ kind: 'verified', facts: { statusChecks: 'ok' } }]);
    const settled = await carryOut(action(failedMaster), {
      executor,
      method: 'stop-start',
      observe: async () => snapshot(Date.now() + 60_000, { master: B }),
      deadline: soon(),
      pollMs: 1,
    });
    assert.equal(settled.kind, 'succeeded');
    assert.deepEqual(settled.facts.verified, ['machine', 'master-answers-ok']);
    assert.equal(settled.facts.lookedBefore, NOT_POSSIBLE);
    const event = outcomeEvent(action(failedMaster), settled, T0, () => 'E1');
    assert.match(event.summary, /Restarted the machine of 10\.0\.0\.11.*cannot be seen from outside/);
    assert.doesNotMatch(event.summary, /rejoins as a standby/);
    // With the service asked, it says the service is active.
    const withService = new ScriptedExecutor(done, [
      { kind: 'verified', facts: { statusChecks: 'ok', service: { serviceState: 'active' } } },
    ]);
    const checked = await carryOut(action(failedMaster), {
      executor: withService,
      method: 'stop-start',
      observe: async () => snapshot(Date.now() + 60_000, { master: B }),
      deadline: soon(),
      pollMs: 1,
    });
    assert.deepEqual(checked.facts.verified, ['machine', 'service-active', 'master-answers-ok']);
    assert.match(
      outcomeEvent(action(failedMaster), checked, T0, () => 'E2').summary,
      /the Dremio service is active and the master still answers OK; it waits as a standby/,
    );
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
