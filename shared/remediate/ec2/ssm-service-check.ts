import { GetCommandInvocationCommand, SendCommandCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { classifyAwsError } from '../../aws/errors.ts';
import type { ServiceState, VerifyOutcome } from '../executor.ts';

/** A systemd unit name: no spaces or shell characters (it is written into a shell command). */
export const SYSTEMD_UNIT = /^[A-Za-z0-9@._:-]{1,256}$/;

export interface SsmServiceCheckOptions {
  readonly client: SSMClient;
  /** The Dremio service's systemd unit, e.g. `dremio`. */
  readonly unit: string;
  /**
   * A Command document that runs only `systemctl is-active {{ unit }}` (the construct creates one,
   * allowing only the configured units). Without it, AWS-RunShellScript runs the same command: for
   * the CLI, whose role a person grants.
   */
  readonly documentName?: string;
}

/** `systemctl is-active` words that mean "not yet": the unit is coming up, or not started yet. */
const COMING_UP = new Set(['activating', 'reloading', 'inactive', 'deactivating']);

function requestIdOf(value: unknown): string | undefined {
  const id = (value as { $metadata?: { requestId?: unknown } } | undefined)?.$metadata?.requestId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The optional last step of verifying a restarted instance: Systems Manager runs `systemctl
 * is-active <unit>` on it (AWS-RunShellScript). `active` is verified; a unit still coming up is
 * not yet; `failed` fails. One command at a time per instance: a poll reads the pending command's
 * result rather than sending another. Needs the SSM agent on the instance and `ssm:SendCommand`.
 */
export class SsmServiceCheck {
  readonly #client: SSMClient;
  readonly #unit: string;
  readonly #documentName: string | undefined;
  readonly #pending = new Map<string, string>();

  constructor(options: SsmServiceCheckOptions) {
    if (!SYSTEMD_UNIT.test(options.unit)) throw new RangeError(`not a systemd unit name: ${options.unit}`);
    this.#client = options.client;
    this.#unit = options.unit;
    this.#documentName = options.documentName;
  }

  /**
   * Whether the unit is active before anything is done to the instance: polls the command until it
   * finished or `waitMs` passed. `activating` counts as running (systemd is starting it).
   */
  async state(
    instanceId: string,
    signal: AbortSignal,
    { waitMs = 30_000, pollMs = 1000 }: { waitMs?: number; pollMs?: number } = {},
  ): Promise<ServiceState> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const outcome = await this.check(instanceId, signal);
      if (outcome.kind === 'verified') return { kind: 'running', facts: outcome.facts };
      if (outcome.kind === 'failed') {
        return /not allowed/.test(outcome.reason)
          ? { kind: 'unknown', reason: outcome.reason, facts: outcome.facts }
          : { kind: 'not-running', facts: outcome.facts };
      }
      // Before a restart, a stopped unit is simply not running (after one it may be about to start).
      if (/ is (inactive|deactivating)$/.test(outcome.reason)) {
        return {
          kind: 'not-running',
          facts: { unit: this.#unit, serviceState: outcome.reason.split(' ').at(-1) },
        };
      }
      if (/ is (activating|reloading)$/.test(outcome.reason)) {
        return {
          kind: 'running',
          facts: { unit: this.#unit, serviceState: outcome.reason.split(' ').at(-1) },
        };
      }
      if (Date.now() + pollMs > deadline) {
        return { kind: 'unknown', reason: outcome.reason, facts: { unit: this.#unit } };
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  async check(instanceId: string, signal: AbortSignal): Promise<VerifyOutcome> {
    const requestIds: string[] = [];
    try {
      let commandId = this.#pending.get(instanceId);
      if (!commandId) {
        const sent = await this.#client.send(
          new SendCommandCommand({
            ...(this.#documentName === undefined
              ? {
                  DocumentName: 'AWS-RunShellScript',
                  Parameters: { commands: [`systemctl is-active ${this.#unit}`] },
                }
              : { DocumentName: this.#documentName, Parameters: { unit: [this.#unit] } }),
            InstanceIds: [instanceId],
            TimeoutSeconds: 30,
            Comment: 'dremio-ha-monitor: is the restarted Dremio service active?',
          }),
          { abortSignal: signal },
        );
        const sentId = requestIdOf(sent);
        if (sentId) requestIds.push(sentId);
        commandId = sent.Command?.CommandId;
        if (!commandId) return { kind: 'not-yet', reason: 'SSM accepted the command without an id' };
        this.#pending.set(instanceId, commandId);
      }
      const invocation = await this.#client.send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
        { abortSignal: signal },
      );
      const readId = requestIdOf(invocation);
      if (readId) requestIds.push(readId);
      const status = invocation.Status ?? 'Pending';
      if (['Pending', 'InProgress', 'Delayed'].includes(status)) {
        return { kind: 'not-yet', reason: `the SSM check of ${this.#unit} is ${status}` };
      }
      this.#pending.delete(instanceId);
      const word = (invocation.StandardOutputContent ?? '').trim();
      const facts = { ssmCommandId: commandId, unit: this.#unit, serviceState: word || status, requestIds };
      if (word === 'active') return { kind: 'verified', facts };
      if (COMING_UP.has(word)) return { kind: 'not-yet', reason: `${this.#unit} is ${word}` };
      if (status === 'Success' || status === 'Failed') {
        return { kind: 'failed', reason: `${this.#unit} is ${word || 'not active'} on ${instanceId}`, facts };
      }
      // Cancelled, TimedOut, Undeliverable (the agent is not there or not yet): try again.
      return { kind: 'not-yet', reason: `the SSM check of ${this.#unit} ended ${status}` };
    } catch (error) {
      const { kind, facts } = classifyAwsError(error);
      const { name, requestId } = facts;
      if (requestId) requestIds.push(requestId);
      // Right after SendCommand the invocation may not exist yet; throttling and AWS faults pass.
      if (kind === 'not-authorized') {
        return {
          kind: 'failed',
          reason: `not allowed to run the SSM check (${name}): grant ssm:SendCommand and ssm:GetCommandInvocation`,
          facts: { unit: this.#unit, requestIds },
        };
      }
      return { kind: 'not-yet', reason: `the SSM check could not run yet (${name})` };
    }
  }
}
