import type { DetectorState } from '../detect/index.ts';
import type { RemediationState } from '../remediate/remediation-state.ts';

/**
 * What the store keeps per cluster: the detector's state and the remediation planner's, committed
 * together so that an event reaches the planner in the same transaction that records it (exactly once).
 */
export interface MonitorState {
  readonly detector: DetectorState;
  /** Null until remediation first ran for the cluster. */
  readonly remediation: RemediationState | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * The stored value as a MonitorState. A bare DetectorState (written before remediation existed) is
 * read as one with no remediation state.
 */
export function monitorStateOf(stored: unknown): MonitorState | null {
  if (!isObject(stored)) return null;
  if (isObject(stored.detector)) {
    return {
      detector: stored.detector as unknown as DetectorState,
      remediation: isObject(stored.remediation) ? (stored.remediation as unknown as RemediationState) : null,
    };
  }
  return { detector: stored as unknown as DetectorState, remediation: null };
}

export function detectorStateOf(stored: unknown): DetectorState | null {
  return monitorStateOf(stored)?.detector ?? null;
}

/** A planner change worth writing: anything but the time of the last snapshot it saw. */
export function isMaterialRemediationChange(
  before: RemediationState | null,
  after: RemediationState | null,
): boolean {
  if (before === after) return false;
  if (before === null || after === null) return true;
  return JSON.stringify({ ...before, lastObservedAt: 0 }) !== JSON.stringify({ ...after, lastObservedAt: 0 });
}
