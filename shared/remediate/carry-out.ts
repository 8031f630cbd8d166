import { setTimeout as sleepFor } from 'node:timers/promises';
import { errorMessage } from '../errors.ts';
import type { MonitorEvent } from '../events/types.ts';
import type { Snapshot } from '../observe/snapshot.ts';
import { dryRun } from './dry-run.ts';
import type { Executor, Facts, RestartOptions, RestartTarget } from './executor.ts';
import { remediationFailed, remediationSucceeded } from './plan-events.ts';
import type { RestartAction } from './plan-types.ts';
import { dremioVerdict } from './verify-dremio.ts';

/** How an action ended: the facts go into REMEDIATION_SUCCEEDED or REMEDIATION_FAILED. */
export type Settled =
  | { readonly kind: 'succeeded'; readonly facts: Facts }
  | { readonly kind: 'failed'; readonly reason: string; readonly retryable: boolean; readonly facts: Facts };

export interface CarryOutOptions {
  readonly executor: Executor;
  readonly method: RestartOptions['method'];
  /** A fresh (or the latest) observation of the cluster, for the Dremio side of verification. */
  readonly observe: () => Promise<Snapshot>;
  /** Epoch ms: the action's lease deadline; verification gives up by then. */
  readonly deadline: number;
  /** Between verification polls. @default 5000 */
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly signal?: AbortSignal;
}

/**
 * Carries out one planned restart: the executor restarts the node, then verification polls until
 * the deadline, first the machine (the executor's `verify`), then Dremio (`dremioVerdict` on fresh
 * observations). A dry run goes through `dryRun(executor)`: permission checks only, no Dremio
 * check. Never throws: an unexpected error is a failure with its message.
 */
export async function carryOut(action: RestartAction, options: CarryOutOptions): Promise<Settled> {
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 5000;
  const signal = options.signal ?? new AbortController().signal;
  const executor = action.dryRun ? dryRun(options.executor) : options.executor;
  const target: RestartTarget = {
    cluster: action.cluster,
    address: action.target.address,
    role: action.target.role,
    ...(action.target.instanceId === undefined ? {} : { instanceId: action.target.instanceId }),
  };
  const startedAt = now();
  try {
    // Look before restarting: Dremio restarted by systemd or a person already runs (a master
    // candidate as an invisible standby); restarting it would only harm it.
    const looked =
      action.dryRun || !options.executor.inspect ? null : await options.executor.inspect(target, signal);
    if (looked?.kind === 'running') {
      return {
        kind: 'succeeded',
        facts: { alreadyRunning: true, verified: ['service-active'], lookedBefore: looked.facts },
      };
    }
    const lookedBefore =
      looked === null
        ? 'not possible: the executor cannot see the service (set remediation.ec2.serviceUnit)'
        : looked;
    const restarted = await executor.restart(target, { method: options.method }, signal);
    if (restarted.kind === 'failed') return { ...restarted, facts: { ...restarted.facts, lookedBefore } };
    const restartedAt = now();
    const facts: Record<string, unknown> = {
      ...restarted.facts,
      restartMs: restartedAt - startedAt,
      lookedBefore,
    };
    let last = 'not verified yet';
    const wait = () =>
      sleepFor(Math.max(0, Math.min(pollMs, options.deadline - now())), undefined, { signal });
    while (now() < options.deadline) {
      const machine = await executor.verify(target, signal);
      if (machine.kind === 'failed')
        return { ...machine, retryable: true, facts: { ...facts, ...machine.facts } };
      if (machine.kind === 'verified') {
        Object.assign(facts, { machine: machine.facts });
        break;
      }
      last = machine.reason;
      await wait();
    }
    if (action.dryRun && facts.machine) return { kind: 'succeeded', facts };
    while (facts.machine && now() < options.deadline) {
      const verdict = dremioVerdict(await options.observe(), action.target, restartedAt);
      if (verdict.kind === 'verified') {
        return {
          kind: 'succeeded',
          facts: {
            ...facts,
            dremio: verdict.facts,
            verified: verifiedLevels(facts.machine, action.target.role),
            verifiedMs: now() - startedAt,
          },
        };
      }
      last = verdict.reason;
      await wait();
    }
    return {
      kind: 'failed',
      reason: `restarted, but not verified by the deadline: ${last}`,
      retryable: true,
      facts: { ...facts, deadline: new Date(options.deadline).toISOString() },
    };
  } catch (error) {
    return {
      kind: 'failed',
      reason: signal.aborted
        ? 'stopped before an outcome (the monitor is shutting down)'
        : errorMessage(error),
      retryable: true,
      facts: { unexpected: true },
    };
  }
}

/**
 * What a success proved, in order: the machine (EC2 status checks), the Dremio service (systemd,
 * when asked), and Dremio's own view: a coordinator registered again and answers OK; for a master
 * candidate only that the master still answers (a standby is invisible while the master lives).
 */
function verifiedLevels(machine: unknown, role: RestartAction['target']['role']): string[] {
  const service = typeof machine === 'object' && machine !== null && 'service' in machine;
  return [
    'machine',
    ...(service ? ['service-active'] : []),
    ...(role === 'coordinator' ? ['registered', 'answers-ok'] : ['master-answers-ok']),
  ];
}

/** The outcome event of an action: REMEDIATION_SUCCEEDED, or REMEDIATION_FAILED saying whether to retry. */
export function outcomeEvent(
  action: RestartAction,
  settled: Settled,
  now: number,
  newId: () => string,
): MonitorEvent {
  return settled.kind === 'succeeded'
    ? remediationSucceeded(action, settled.facts, now, newId)
    : remediationFailed(
        action,
        settled.reason,
        { ...settled.facts, retryable: settled.retryable },
        now,
        newId,
      );
}
