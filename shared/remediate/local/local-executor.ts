import { errorMessage } from '../../errors.ts';
import type {
  ActionOutcome,
  Executor,
  RestartOptions,
  RestartTarget,
  ServiceState,
  VerifyOutcome,
} from '../executor.ts';

export interface LocalExecutorOptions {
  /** Restarts the node's process (the bench or the demo: the emulated cluster's `restart(name)`). */
  readonly restart: (target: RestartTarget) => Promise<void>;
  /** Whether the node's process runs; without it, a restart that returned is taken as verified. */
  readonly isRunning?: (target: RestartTarget) => Promise<boolean>;
}

/**
 * Restarts emulated Dremio nodes (local processes) through the same port as `Ec2Executor`, for the
 * test bench and the demo. The method is recorded but a process has only one way to restart.
 */
export class LocalExecutor implements Executor {
  readonly #restart: LocalExecutorOptions['restart'];
  readonly #isRunning: LocalExecutorOptions['isRunning'];

  constructor(options: LocalExecutorOptions) {
    this.#restart = options.restart;
    this.#isRunning = options.isRunning;
  }

  async restart(target: RestartTarget, options: RestartOptions, signal: AbortSignal): Promise<ActionOutcome> {
    const facts = { address: target.address, role: target.role, method: options.method, executor: 'local' };
    if (signal.aborted) {
      return {
        kind: 'failed',
        reason: `restart of ${target.address} aborted before it began`,
        retryable: true,
        facts,
      };
    }
    try {
      await this.#restart(target);
      return { kind: 'done', facts };
    } catch (error) {
      return {
        kind: 'failed',
        reason: `restarting the local process of ${target.address} failed: ${errorMessage(error)}`,
        retryable: false,
        facts,
      };
    }
  }

  /** Looks before restarting: a node whose process already runs is left alone. */
  async inspect(target: RestartTarget): Promise<ServiceState> {
    if (!this.#isRunning) return { kind: 'unknown', reason: 'no way to tell whether it runs', facts: {} };
    try {
      return (await this.#isRunning(target))
        ? { kind: 'running', facts: { address: target.address, executor: 'local', running: true } }
        : { kind: 'not-running', facts: { address: target.address, executor: 'local', running: false } };
    } catch (error) {
      return { kind: 'unknown', reason: errorMessage(error), facts: {} };
    }
  }

  async verify(target: RestartTarget, signal: AbortSignal): Promise<VerifyOutcome> {
    if (signal.aborted) return { kind: 'not-yet', reason: `verification of ${target.address} aborted` };
    if (!this.#isRunning) return { kind: 'verified', facts: { address: target.address, executor: 'local' } };
    try {
      // The process is the service here: its running is what systemd's "active" is on EC2.
      return (await this.#isRunning(target))
        ? {
            kind: 'verified',
            facts: { address: target.address, executor: 'local', running: true, service: { running: true } },
          }
        : { kind: 'not-yet', reason: `the local process of ${target.address} is not running` };
    } catch (error) {
      return {
        kind: 'not-yet',
        reason: `could not tell whether ${target.address} runs: ${errorMessage(error)}`,
      };
    }
  }
}
