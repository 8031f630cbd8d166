/** Remediation: the pure planner (which failed node to restart, or which guardrail holds it back). */
export {
  type Action,
  type ActionTarget,
  applyOutcomes,
  type PlanDecision,
  type PlanResult,
  plan,
  type RestartAction,
  remediationFailed,
  remediationSucceeded,
} from './plan.ts';
export { defaultRemediationPolicy, type RemediationPolicy } from './policy.ts';
export {
  type BlockEpisode,
  type BlockRule,
  cloneRemediationState,
  type InFlight,
  initialRemediationState,
  type MasterHealth,
  type Need,
  type NeedReason,
  REMEDIATION_STATE_SCHEMA_VERSION,
  type RemediationState,
} from './remediation-state.ts';
