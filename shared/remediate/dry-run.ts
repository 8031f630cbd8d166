import type {
  ActionOutcome,
  Executor,
  PermissionChecker,
  RestartOptions,
  RestartTarget,
  VerifyOutcome,
} from './executor.ts';

function canCheckPermissions(executor: Executor): executor is Executor & PermissionChecker {
  return typeof (executor as Partial<PermissionChecker>).checkPermissions === 'function';
}

/**
 * An executor that restarts nothing: every restart is `done` with `facts.dryRun: true`, and every
 * verification passes. When the wrapped executor can check its permissions (`Ec2Executor`: the
 * same look-up and the same calls with `DryRun: true`), a restart asks it, so a dry run also says
 * whether the real one would be allowed: denied is a failure (not retryable) naming the IAM actions.
 */
export function dryRun(executor: Executor): Executor {
  return {
    async restart(
      target: RestartTarget,
      options: RestartOptions,
      signal: AbortSignal,
    ): Promise<ActionOutcome> {
      const intent = { dryRun: true, address: target.address, role: target.role, method: options.method };
      if (!canCheckPermissions(executor)) {
        return { kind: 'done', facts: { ...intent, permission: 'not-checked' } };
      }
      const check = await executor.checkPermissions(target, options, signal);
      switch (check.kind) {
        case 'allowed':
          return { kind: 'done', facts: { ...intent, ...check.facts, dryRun: true, permission: 'allowed' } };
        case 'denied':
          return {
            kind: 'failed',
            reason: check.reason,
            retryable: false,
            facts: { ...intent, ...check.facts, dryRun: true, permission: 'denied' },
          };
        case 'failed':
          return { ...check, facts: { ...intent, ...check.facts, dryRun: true, permission: 'unknown' } };
      }
    },
    async verify(target: RestartTarget): Promise<VerifyOutcome> {
      return { kind: 'verified', facts: { dryRun: true, address: target.address } };
    },
  };
}
