import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  type EC2Client,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import type {
  ActionOutcome,
  Executor,
  Facts,
  PermissionChecker,
  PermissionOutcome,
  RestartOptions,
  RestartTarget,
  ServiceState,
  VerifyOutcome,
} from '../executor.ts';
import { type CallResult, Ec2Session } from './ec2-call.ts';
import { type Ec2Tag, findInstance, type InstanceView, MANAGED_TAG } from './find-instance.ts';
import type { SsmServiceCheck } from './ssm-service-check.ts';

export interface Ec2ExecutorOptions {
  /** Built by the caller for the cluster's region. */
  readonly client: EC2Client;
  /** The tag naming the instance's cluster, e.g. `{ key: 'dremio-ha-monitor:cluster', value: 'prod' }`. */
  readonly clusterTag: Ec2Tag;
  /** @default { key: 'dremio-ha-monitor:managed', value: 'true' } */
  readonly managedTag?: Ec2Tag;
  /** Stop-start: how often to look whether the instance has stopped. @default 5000 */
  readonly pollIntervalMs?: number;
  /** Stop-start: how long to wait for the instance to stop before giving up (retryable). @default 300000 */
  readonly stopTimeoutMs?: number;
  readonly now?: () => number;
  /** After the status checks pass, also ask the instance whether Dremio's service is active. @default none */
  readonly serviceCheck?: Pick<SsmServiceCheck, 'check'> & Partial<Pick<SsmServiceCheck, 'state'>>;
}

type EC2Action = 'RebootInstances' | 'StopInstances' | 'StartInstances';

/** What to do with an instance in a given state. */
type Plan =
  | {
      readonly kind: 'act';
      readonly method: 'reboot' | 'stop-start' | 'start';
      readonly actions: EC2Action[];
    }
  | { readonly kind: 'refuse'; readonly reason: string; readonly retryable: boolean };

function planFor(instance: InstanceView, options: RestartOptions): Plan {
  const { instanceId, state } = instance;
  switch (state) {
    case 'running':
      return options.method === 'reboot'
        ? { kind: 'act', method: 'reboot', actions: ['RebootInstances'] }
        : { kind: 'act', method: 'stop-start', actions: ['StopInstances', 'StartInstances'] };
    case 'stopped':
      return { kind: 'act', method: 'start', actions: ['StartInstances'] };
    case 'pending':
    case 'stopping':
      return {
        kind: 'refuse',
        reason: `instance ${instanceId} is ${state}: in transition, try again once it has settled`,
        retryable: true,
      };
    case 'shutting-down':
    case 'terminated':
      return {
        kind: 'refuse',
        reason: `instance ${instanceId} is ${state}: it cannot be restarted, the node needs replacing`,
        retryable: false,
      };
    default:
      return {
        kind: 'refuse',
        reason: `instance ${instanceId} is in an unknown state "${state}"`,
        retryable: false,
      };
  }
}

/**
 * Restarts a Dremio node's EC2 instance: reboot (or stop then start) a running one, start a stopped
 * one. Acts only on an instance carrying the opt-in tag and the cluster tag. Every outcome carries
 * the request ids of the EC2 calls made (`facts.requestIds`), failed ones included.
 */
export class Ec2Executor implements Executor, PermissionChecker {
  readonly #client: EC2Client;
  readonly #tags: readonly [Ec2Tag, Ec2Tag];
  readonly #pollIntervalMs: number;
  readonly #stopTimeoutMs: number;
  readonly #now: () => number;
  readonly #serviceCheck: Ec2ExecutorOptions['serviceCheck'];

  constructor(options: Ec2ExecutorOptions) {
    this.#serviceCheck = options.serviceCheck;
    this.#client = options.client;
    this.#tags = [options.managedTag ?? MANAGED_TAG, options.clusterTag];
    this.#pollIntervalMs = options.pollIntervalMs ?? 5000;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 300_000;
    this.#now = options.now ?? Date.now;
  }

  /** Finds the target's tagged instance, or the failed outcome that says why it cannot be used. */
  async #resolve(target: RestartTarget, signal: AbortSignal) {
    const session = new Ec2Session(signal);
    const found = await findInstance(this.#client, session, target, this.#tags);
    const base = {
      address: target.address,
      role: target.role,
      resolvedBy: found.resolvedBy,
      ...(target.instanceId ? { instanceId: target.instanceId } : {}),
    };
    if (found.kind === 'failed') {
      const { reason, retryable } = found;
      const facts: Facts = { ...base, requestIds: [...session.requestIds] };
      return { kind: 'failed' as const, reason, retryable, facts };
    }
    return { kind: 'found' as const, session, instance: found.instance, base };
  }

  async restart(target: RestartTarget, options: RestartOptions, signal: AbortSignal): Promise<ActionOutcome> {
    const resolved = await this.#resolve(target, signal);
    if (resolved.kind === 'failed') return resolved;
    const { session, instance, base } = resolved;
    const plan = planFor(instance, options);
    const facts = (more: Facts = {}): Facts => ({
      ...base,
      instanceId: instance.instanceId,
      previousState: instance.state,
      ...(plan.kind === 'act' ? { method: plan.method } : {}),
      ...more,
      requestIds: [...session.requestIds],
    });
    if (plan.kind === 'refuse') {
      return { kind: 'failed', reason: plan.reason, retryable: plan.retryable, facts: facts() };
    }
    const ids = { InstanceIds: [instance.instanceId] };
    const subject = `instance ${instance.instanceId}`;
    const abortSignal = session.signal;
    if (plan.method === 'reboot') {
      const rebooted = await session.call('RebootInstances', subject, () =>
        this.#client.send(new RebootInstancesCommand(ids), { abortSignal }),
      );
      return rebooted.kind === 'ok' ? { kind: 'done', facts: facts() } : failed(rebooted, facts());
    }
    if (plan.method === 'stop-start') {
      const stopped = await session.call('StopInstances', subject, () =>
        this.#client.send(new StopInstancesCommand(ids), { abortSignal }),
      );
      if (stopped.kind === 'error') return failed(stopped, facts());
      const waited = await this.#waitUntilStopped(instance.instanceId, session);
      if (waited.kind === 'failed') {
        const { reason, retryable } = waited;
        return { kind: 'failed', reason, retryable, facts: facts({ stopIssued: true }) };
      }
    }
    const started = await session.call('StartInstances', subject, () =>
      this.#client.send(new StartInstancesCommand(ids), { abortSignal }),
    );
    if (started.kind === 'error') {
      return failed(started, facts(plan.method === 'stop-start' ? { stopIssued: true } : {}));
    }
    const currentState = started.output.StartingInstances?.[0]?.CurrentState?.Name;
    return { kind: 'done', facts: facts(currentState ? { currentState } : {}) };
  }

  /**
   * Whether Dremio already runs on the instance, when a service unit is configured: a stopped
   * instance is not running; a running one is asked `systemctl is-active` through Systems Manager.
   */
  async inspect(target: RestartTarget, signal: AbortSignal): Promise<ServiceState> {
    if (!this.#serviceCheck?.state) {
      return { kind: 'unknown', reason: 'no service unit to ask (remediation.ec2.serviceUnit)', facts: {} };
    }
    const resolved = await this.#resolve(target, signal);
    if (resolved.kind === 'failed')
      return { kind: 'unknown', reason: resolved.reason, facts: resolved.facts };
    const { instance } = resolved;
    const facts = { instanceId: instance.instanceId, instanceState: instance.state };
    if (instance.state !== 'running') return { kind: 'not-running', facts };
    const service = await this.#serviceCheck.state(instance.instanceId, signal);
    return { ...service, facts: { ...facts, service: service.facts } };
  }

  /** The machine is back: running, and both status checks (system and instance) pass. */
  async verify(target: RestartTarget, signal: AbortSignal): Promise<VerifyOutcome> {
    const session = new Ec2Session(signal);
    let instanceId = target.instanceId;
    if (!instanceId) {
      const found = await findInstance(this.#client, session, target, this.#tags);
      if (found.kind === 'failed') {
        return found.retryable
          ? { kind: 'not-yet', reason: found.reason }
          : { kind: 'failed', reason: found.reason, facts: { requestIds: [...session.requestIds] } };
      }
      instanceId = found.instance.instanceId;
    }
    const id = instanceId;
    const result = await session.call('DescribeInstanceStatus', `instance ${id}`, () =>
      this.#client.send(new DescribeInstanceStatusCommand({ InstanceIds: [id], IncludeAllInstances: true }), {
        abortSignal: signal,
      }),
    );
    if (result.kind === 'error') {
      return result.retryable
        ? { kind: 'not-yet', reason: result.reason }
        : {
            kind: 'failed',
            reason: result.reason,
            facts: { instanceId: id, requestIds: [...session.requestIds] },
          };
    }
    const status = result.output.InstanceStatuses?.find((s) => s.InstanceId === id);
    if (!status) return { kind: 'not-yet', reason: `EC2 reports no status for instance ${id} yet` };
    const state = status.InstanceState?.Name ?? 'unknown';
    const systemStatus = status.SystemStatus?.Status ?? 'unknown';
    const instanceStatus = status.InstanceStatus?.Status ?? 'unknown';
    const facts = {
      instanceId: id,
      state,
      systemStatus,
      instanceStatus,
      requestIds: [...session.requestIds],
    };
    if (state === 'terminated' || state === 'shutting-down') {
      return { kind: 'failed', reason: `instance ${id} is ${state}`, facts };
    }
    if (state !== 'running') return { kind: 'not-yet', reason: `instance ${id} is ${state}` };
    const checks = `system status ${systemStatus}, instance status ${instanceStatus}`;
    if (systemStatus === 'impaired' || instanceStatus === 'impaired') {
      return { kind: 'failed', reason: `instance ${id} is running but impaired (${checks})`, facts };
    }
    if (systemStatus !== 'ok' || instanceStatus !== 'ok') {
      return {
        kind: 'not-yet',
        reason: `instance ${id} is running, status checks not passed yet (${checks})`,
      };
    }
    if (!this.#serviceCheck) return { kind: 'verified', facts };
    const service = await this.#serviceCheck.check(id, signal);
    return service.kind === 'not-yet' ? service : { ...service, facts: { ...facts, service: service.facts } };
  }

  /**
   * Would a restart be allowed? Looks the instance up for real (read-only), then sends the calls the
   * restart and its verification would make with `DryRun: true`: EC2 answers `DryRunOperation` when
   * allowed and `UnauthorizedOperation` when not, and does nothing.
   */
  async checkPermissions(
    target: RestartTarget,
    options: RestartOptions,
    signal: AbortSignal,
  ): Promise<PermissionOutcome> {
    const resolved = await this.#resolve(target, signal);
    if (resolved.kind === 'failed') return resolved;
    const { session, instance, base } = resolved;
    const plan = planFor(instance, options);
    const facts = { ...base, instanceId: instance.instanceId, previousState: instance.state };
    if (plan.kind === 'refuse') {
      const { reason, retryable } = plan;
      return { kind: 'failed', reason, retryable, facts: { ...facts, requestIds: [...session.requestIds] } };
    }
    const input = { InstanceIds: [instance.instanceId], DryRun: true };
    const subject = `instance ${instance.instanceId}`;
    const abortSignal = signal;
    const sends: Record<EC2Action | 'DescribeInstanceStatus', () => Promise<unknown>> = {
      RebootInstances: () => this.#client.send(new RebootInstancesCommand(input), { abortSignal }),
      StopInstances: () => this.#client.send(new StopInstancesCommand(input), { abortSignal }),
      StartInstances: () => this.#client.send(new StartInstancesCommand(input), { abortSignal }),
      DescribeInstanceStatus: () =>
        this.#client.send(new DescribeInstanceStatusCommand({ ...input, IncludeAllInstances: true }), {
          abortSignal,
        }),
    };
    const allowed: string[] = [];
    const denied: string[] = [];
    const reasons: string[] = [];
    for (const action of [...plan.actions, 'DescribeInstanceStatus' as const]) {
      const result = await session.call(action, subject, sends[action]);
      if (result.kind === 'ok' || result.name === 'DryRunOperation') allowed.push(`ec2:${action}`);
      else if (result.unauthorized) {
        denied.push(`ec2:${action}`);
        reasons.push(result.reason);
      } else {
        const done = { ...facts, method: plan.method, allowed, requestIds: [...session.requestIds] };
        return { kind: 'failed', reason: result.reason, retryable: result.retryable, facts: done };
      }
    }
    const outcomeFacts = {
      ...facts,
      method: plan.method,
      allowed,
      denied,
      requestIds: [...session.requestIds],
    };
    return denied.length === 0
      ? { kind: 'allowed', facts: outcomeFacts }
      : { kind: 'denied', reason: reasons.join('; '), facts: outcomeFacts };
  }

  async #waitUntilStopped(
    instanceId: string,
    session: Ec2Session,
  ): Promise<{ kind: 'stopped' } | { kind: 'failed'; reason: string; retryable: boolean }> {
    const deadline = this.#now() + this.#stopTimeoutMs;
    let last = 'stopping';
    for (;;) {
      try {
        await sleep(this.#pollIntervalMs, undefined, { signal: session.signal });
      } catch {
        return {
          kind: 'failed',
          reason: `aborted waiting for instance ${instanceId} to stop`,
          retryable: true,
        };
      }
      const result = await session.call('DescribeInstances', `instance ${instanceId}`, () =>
        this.#client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }), {
          abortSignal: session.signal,
        }),
      );
      if (result.kind === 'error' && !result.retryable) {
        return { kind: 'failed', reason: result.reason, retryable: false };
      }
      if (result.kind === 'ok') {
        const instance = result.output.Reservations?.[0]?.Instances?.[0];
        last = instance?.State?.Name ?? 'unknown';
        if (last === 'stopped') return { kind: 'stopped' };
        if (last === 'terminated' || last === 'shutting-down') {
          return {
            kind: 'failed',
            reason: `instance ${instanceId} is ${last} after the stop`,
            retryable: false,
          };
        }
      }
      if (this.#now() >= deadline) {
        return {
          kind: 'failed',
          reason: `instance ${instanceId} still ${last} ${this.#stopTimeoutMs} ms after StopInstances: start it once stopped`,
          retryable: true,
        };
      }
    }
  }
}

function failed(result: Extract<CallResult<unknown>, { kind: 'error' }>, facts: Facts): ActionOutcome {
  return { kind: 'failed', reason: result.reason, retryable: result.retryable, facts };
}
