import { type CommandError, checkText } from '../detect/command.ts';
import { iso } from '../events/build.ts';
import type { MonitorEvent } from '../events/types.ts';
import { makeEvent } from './plan-events.ts';
import { cloneRemediationState, type RemediationState } from './remediation-state.ts';

export type RemediationAck =
  | { readonly kind: 'applied'; readonly state: RemediationState; readonly events: MonitorEvent[] }
  | { readonly kind: 'rejected'; readonly error: CommandError };

/**
 * A person takes a remediation incident (a blocked or failed restart): INCIDENT_ACKNOWLEDGED, and no
 * reminders until its next block or failure. Pure, as detection's `acknowledge`.
 */
export function acknowledgeRemediation(
  state: RemediationState,
  incidentKey: string,
  by: string,
  reason: string,
  now: number,
  newId: () => string,
): RemediationAck {
  const invalid = checkText('by', by, 200) ?? checkText('reason', reason, 1000);
  if (invalid) return { kind: 'rejected', error: invalid };
  const next = cloneRemediationState(state);
  const need = next.needs.find((candidate) => candidate.incidentKey === incidentKey);
  if (!need) return { kind: 'rejected', error: { kind: 'unknown_incident', incidentKey } };
  if (need.acknowledged) {
    return {
      kind: 'rejected',
      error: { kind: 'already_acknowledged', incidentKey, acknowledged: need.acknowledged },
    };
  }
  need.acknowledged = { by, reason, at: now };
  const about = need.paging?.summary ?? `Restart of ${need.address}`;
  const event = makeEvent(next.cluster, newId(), now, incidentKey, 'acknowledge', {
    type: 'INCIDENT_ACKNOWLEDGED',
    severity: 'info',
    summary: `${by} acknowledged: ${about} (${reason})`,
    facts: {
      incidentKind: 'remediation',
      subject: need.address,
      openedAt: iso(need.since),
      by,
      reason,
    },
  });
  return { kind: 'applied', state: next, events: [event] };
}
