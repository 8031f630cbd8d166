import { awsErrorFacts } from '../../aws/errors.ts';
import { outcomeOfEc2Error } from './errors.ts';

/** One restart, verify or permission check: its signal and the request id of every EC2 call it made. */
export class Ec2Session {
  readonly requestIds: string[] = [];
  constructor(readonly signal: AbortSignal) {}

  /** Runs one EC2 call and records its request id, from the answer or from the error. */
  async call<T>(action: string, subject: string, run: () => Promise<T>): Promise<CallResult<T>> {
    try {
      const output = await run();
      const requestId = (output as { $metadata?: { requestId?: unknown } } | undefined)?.$metadata?.requestId;
      if (typeof requestId === 'string') this.requestIds.push(requestId);
      return { kind: 'ok', output };
    } catch (error) {
      const facts = awsErrorFacts(error);
      if (facts.requestId !== undefined) this.requestIds.push(facts.requestId);
      const outcome = outcomeOfEc2Error(error, action, subject, this.signal.aborted);
      return {
        kind: 'error',
        name: facts.name,
        reason: outcome.reason,
        retryable: outcome.kind === 'failed' && outcome.retryable,
        unauthorized: outcome.kind === 'unauthorized',
      };
    }
  }
}

export type CallResult<T> =
  | { readonly kind: 'ok'; readonly output: T }
  | {
      readonly kind: 'error';
      /** The AWS error code (`UnauthorizedOperation`, `DryRunOperation`...). */
      readonly name: string;
      readonly reason: string;
      readonly retryable: boolean;
      readonly unauthorized: boolean;
    };
