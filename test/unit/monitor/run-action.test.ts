import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runActionInFlight } from '../../../shared/monitor/run-action.ts';
import type { RestartAction } from '../../../shared/remediate/plan-types.ts';
import { A_ADDRESS, B, CLUSTER, snapshot } from '../../support/detect-fixtures.ts';
import { MemoryStore } from '../../support/memory-store.ts';
import { Clock, clusterConfig, FakeExecutor, failover, monitorOf } from '../../support/orchestration.ts';

const withRemediation = () => clusterConfig({ remediation: { enabled: true, settleMs: 5000 } });

/** A store where the planner committed the restart of A (the failed master) after the failover. */
async function planned() {
  const store = new MemoryStore();
  const clock = new Clock();
  const cluster = withRemediation();
  const monitor = monitorOf(cluster, store, clock);
  const actions: RestartAction[] = [];
  for (const shot of failover()) {
    clock.after(shot);
    const outcome = await monitor.judge(shot);
    if (outcome.kind === 'committed') actions.push(...outcome.actions);
  }
  assert.equal(actions.length, 1);
  const [action] = actions;
  assert.ok(action);
  return { store, clock, cluster, action };
}

describe('runActionInFlight: a trigger carries out the planned restart at most once', () => {
  it('restarts, verifies, and records the outcome once; the same trigger again restarts nothing', async () => {
    const { store, clock, cluster, action } = await planned();
    assert.equal(action.target.address, A_ADDRESS);
    const executor = new FakeExecutor();
    const run = () =>
      runActionInFlight({
        cluster,
        // A new monitor, as a new invocation would have: it reads the plan from the store.
        monitor: monitorOf(cluster, store, clock),
        store,
        executor,
        observe: async () => snapshot(clock.now(), { master: B }),
        actionId: action.id,
        owner: 'request-1',
        now: clock.now,
        pollMs: 1,
      });
    const first = await run();
    assert.equal(first.kind, 'carried-out');
    assert.equal(first.kind === 'carried-out' && first.outcome, 'succeeded');
    assert.deepEqual(first.kind === 'carried-out' && first.events.map((event) => event.type), [
      'REMEDIATION_SUCCEEDED',
    ]);
    assert.deepEqual(
      executor.restarts.map((target) => [target.address, target.instanceId]),
      [[A_ADDRESS, 'i-0aaaaaaaaaaaaaaaa']],
    );
    const again = await run();
    assert.deepEqual(again, {
      kind: 'skipped',
      actionId: action.id,
      reason: 'not the action in flight (settled, expired or unknown)',
    });
    assert.equal(executor.restarts.length, 1);
    const { events } = await store.events({ cluster: CLUSTER, types: ['REMEDIATION_SUCCEEDED'] });
    assert.equal(events.length, 1);
  });

  it('two triggers at once: one carries it out, the other finds its lease held', async () => {
    const { store, clock, cluster, action } = await planned();
    const executor = new FakeExecutor();
    const runs = await Promise.all(
      ['request-1', 'request-2'].map((owner) =>
        runActionInFlight({
          cluster,
          monitor: monitorOf(cluster, store, clock),
          store,
          executor,
          observe: async () => snapshot(clock.now(), { master: B }),
          actionId: action.id,
          owner,
          now: clock.now,
          pollMs: 1,
        }),
      ),
    );
    assert.deepEqual(runs.map((run) => run.kind).sort(), ['carried-out', 'skipped']);
    const skipped = runs.find((run) => run.kind === 'skipped');
    assert.match(skipped?.kind === 'skipped' ? skipped.reason : '', /already being carried out by request-/);
    assert.equal(executor.restarts.length, 1);
    const { events } = await store.events({ cluster: CLUSTER, types: ['REMEDIATION_SUCCEEDED'] });
    assert.equal(events.length, 1);
  });

  it('skips, restarting nothing: another action id, a lapsed deadline, remediation turned off', async () => {
    const { store, clock, cluster, action } = await planned();
    const executor = new FakeExecutor();
    const options = {
      cluster,
      monitor: monitorOf(cluster, store, clock),
      store,
      executor,
      observe: async () => snapshot(clock.now(), { master: B }),
      actionId: action.id,
      owner: 'request-1',
      now: clock.now,
    };
    assert.match(
      JSON.stringify(await runActionInFlight({ ...options, actionId: '01KAMY0000AAAAAAAAAAAAAAA9' })),
      /not the action in flight/,
    );
    assert.match(
      JSON.stringify(await runActionInFlight({ ...options, cluster: clusterConfig() })),
      /remediation is not enabled for prod/,
    );
    assert.match(
      JSON.stringify(await runActionInFlight({ ...options, now: () => action.deadline })),
      /past its deadline/,
    );
    assert.equal(executor.restarts.length, 0);
    assert.equal(store.lease(CLUSTER, `action-${action.id}`), undefined, 'no lease taken');
  });

  it('a restart that fails is recorded as REMEDIATION_FAILED, once', async () => {
    const { store, clock, cluster, action } = await planned();
    const executor = new FakeExecutor();
    executor.restartAnswer = { kind: 'failed', reason: 'UnauthorizedOperation', retryable: false, facts: {} };
    const run = await runActionInFlight({
      cluster,
      monitor: monitorOf(cluster, store, clock),
      store,
      executor,
      observe: async () => snapshot(clock.now(), { master: B }),
      actionId: action.id,
      owner: 'request-1',
      now: clock.now,
    });
    assert.equal(run.kind === 'carried-out' && run.outcome, 'failed');
    assert.deepEqual(run.kind === 'carried-out' && run.events.map((event) => event.type), [
      'REMEDIATION_FAILED',
    ]);
    assert.equal(executor.verifies.length, 0);
  });
});
