/** The node to restart: the coordinator or master candidate `address` of `cluster`, as configured. */
export interface RestartTarget {
  readonly cluster: string;
  readonly address: string;
  readonly role: 'master-candidate' | 'coordinator';
  /** The node's EC2 instance id from the configuration; without it the executor looks the node up. */
  readonly instanceId?: string;
}

export interface RestartOptions {
  readonly method: 'reboot' | 'stop-start';
}

/** What an outcome event records: instance id, previous state, method, AWS request ids... */
export type Facts = Readonly<Record<string, unknown>>;

export type ActionOutcome =
  | { readonly kind: 'done'; readonly facts: Facts }
  /** `retryable`: the same action may work later (throttling, a machine in transition). */
  | { readonly kind: 'failed'; readonly reason: string; readonly retryable: boolean; readonly facts: Facts };

/** The machine only; the Dremio side (registers again, answers 200, stays invisible) is the caller's. */
export type VerifyOutcome =
  | { readonly kind: 'verified'; readonly facts: Facts }
  /** Not there yet: the caller polls again until its deadline. */
  | { readonly kind: 'not-yet'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string; readonly facts: Facts };

/** Whether Dremio runs on a node, asked before restarting it. */
export type ServiceState =
  /** Its service is active (or starting): it is not restarted; a master candidate waits as a standby. */
  | { readonly kind: 'running'; readonly facts: Facts }
  | { readonly kind: 'not-running'; readonly facts: Facts }
  /** Could not tell (the check did not finish, no agent): the restart goes ahead as planned. */
  | { readonly kind: 'unknown'; readonly reason: string; readonly facts: Facts };

export interface Executor {
  restart(target: RestartTarget, options: RestartOptions, signal: AbortSignal): Promise<ActionOutcome>;
  verify(target: RestartTarget, signal: AbortSignal): Promise<VerifyOutcome>;
  /**
   * Looks before restarting: whether Dremio already runs there (restarted by systemd or a person).
   * Absent when the executor cannot tell (EC2 without `remediation.ec2.serviceUnit`).
   */
  inspect?(target: RestartTarget, signal: AbortSignal): Promise<ServiceState>;
}

/** Whether a restart would be allowed, asked without doing it (EC2: `DryRun: true`). */
export type PermissionOutcome =
  | { readonly kind: 'allowed'; readonly facts: Facts }
  | { readonly kind: 'denied'; readonly reason: string; readonly facts: Facts }
  /** Could not tell: the node was not found or refused, or AWS was throttling. */
  | { readonly kind: 'failed'; readonly reason: string; readonly retryable: boolean; readonly facts: Facts };

/** An executor that can check its permissions; `dryRun` uses it when the executor has it. */
export interface PermissionChecker {
  checkPermissions(
    target: RestartTarget,
    options: RestartOptions,
    signal: AbortSignal,
  ): Promise<PermissionOutcome>;
}
