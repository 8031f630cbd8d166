import type { GuardrailRule, RestartReason } from '../events/facts.ts';
/** The planner's types: its actions, decisions and result, and the working state of one run. */

import type { DetectorState, MaintenanceWindow } from '../detect/state.ts';
import type { MonitorEvent } from '../events/types.ts';
import type { Snapshot } from '../observe/snapshot.ts';
import type { RemediationPolicy } from './policy.ts';
import type { RemediationState } from './remediation-state.ts';

export interface ActionTarget {
  readonly address: string;
  readonly role: 'master-candidate' | 'coordinator';
  /** The EC2 instance, when the caller's map knows the address. */
  readonly instanceId?: string;
  readonly reason: RestartReason;
}

export interface RestartAction {
  readonly kind: 'restart';
  /** Unique per attempt: the executor's idempotency key, and `facts.actionId` of its outcome. */
  readonly id: string;
  readonly cluster: string;
  readonly target: ActionTarget;
  /** Record, call nothing. */
  readonly dryRun: boolean;
  /** Epoch ms: the lease's expiry; the executor must report before it. */
  readonly deadline: number;
  /** The remediation incident the outcome events belong to; absent: `<cluster>/remediation/<id>`. */
  readonly incidentKey?: string;
}

export type Action = RestartAction;

/** What the planner decided about each need, for logs and tests. */
export type PlanDecision =
  | {
      readonly kind: 'act';
      readonly address: string;
      readonly reason: RestartReason;
      readonly actionId: string;
    }
  | {
      readonly kind: 'wait';
      readonly address: string;
      readonly reason: RestartReason;
      /**
       * `not-due`: a failover's settle period; `settling`: the master's; `acting`: its action is in
       * flight; `stopped`: its last failure cannot be fixed by retrying (REMEDIATION_FAILED paged).
       */
      readonly why: 'not-due' | 'settling' | 'acting' | 'stopped';
      readonly until: number | null;
    }
  | {
      readonly kind: 'blocked';
      readonly address: string;
      readonly reason: RestartReason;
      readonly rule: GuardrailRule;
      readonly until: number | null;
      /** The REMEDIATION_BLOCKED of this run, or null when the episode already paged. */
      readonly eventId: string | null;
    };

export interface PlanResult {
  readonly state: RemediationState;
  readonly actions: Action[];
  readonly events: MonitorEvent[];
  readonly decisions: PlanDecision[];
}

/** One run of the planner: its inputs and what it has decided so far. */
export interface Run {
  readonly state: RemediationState;
  readonly snapshot: Snapshot;
  readonly detector: DetectorState;
  readonly policy: RemediationPolicy;
  readonly now: number;
  readonly newId: () => string;
  readonly instanceIds: ReadonlyMap<string, string>;
  readonly window: MaintenanceWindow | undefined;
  readonly actions: Action[];
  readonly events: MonitorEvent[];
  readonly decisions: PlanDecision[];
}

export interface Block {
  readonly rule: GuardrailRule;
  readonly until: number | null;
}
