/** Remediation: the pure planner (which failed node to restart, or which guardrail holds it back). */
export { actionInFlight, applyOutcomes } from './in-flight.ts';
export { type PlanOptions, planRemediation } from './plan.ts';
export { remediationFailed, remediationSucceeded } from './plan-events.ts';
export type { Action, ActionTarget, PlanDecision, PlanResult, RestartAction } from './plan-types.ts';
export { defaultRemediationPolicy, type RemediationPolicy } from './policy.ts';
export {
  type BlockEpisode,
  cloneRemediationState,
  type InFlight,
  initialRemediationState,
  type MasterHealth,
  type Need,
  REMEDIATION_STATE_SCHEMA_VERSION,
  type RemediationState,
} from './remediation-state.ts';
