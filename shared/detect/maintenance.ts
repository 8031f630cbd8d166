import { iso } from '../events/build.ts';
import type { FactsByType } from '../events/facts.ts';
import { formatDuration } from '../events/format.ts';
import { applied, type CommandResult, checkText, checkTime, rejected } from './command.ts';
import { type Context, emit, timeContext } from './emit.ts';
import { remind } from './incidents.ts';
import type { DetectorState, MaintenanceWindow } from './state.ts';

/** A window to add; without an id, one is made with the id generator. */
export interface MaintenanceRequest {
  readonly id?: string;
  /** Epoch ms. */
  readonly start: number;
  /** Epoch ms, after start and after now: every window expires. */
  readonly end: number;
  readonly owner: string;
  readonly reason: string;
}

const WINDOW_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export function activeWindow(state: DetectorState): MaintenanceWindow | undefined {
  return state.maintenance.find((window) => window.status === 'active');
}

/** Adds a window; MAINTENANCE_STARTED at once when it has already started. */
export function addMaintenance(
  state: DetectorState,
  request: MaintenanceRequest,
  now: number,
  newId: () => string,
): CommandResult {
  const id = request.id ?? newId();
  const invalid = validate(request, id, now);
  if (invalid) return rejected(state, invalid);
  if (state.maintenance.some((window) => window.id === id)) {
    return rejected(state, { kind: 'duplicate_window', windowId: id });
  }
  const ctx = timeContext(state, now, newId);
  const { start, end, owner, reason } = request;
  ctx.state.maintenance.push({ id, start, end, owner, reason, status: 'scheduled' });
  ctx.state.maintenance.sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
  advanceMaintenance(ctx);
  return applied(ctx.state, ctx.events);
}

function validate(request: MaintenanceRequest, id: string, now: number) {
  if (!WINDOW_ID.test(id)) {
    return {
      kind: 'invalid_argument',
      field: 'id',
      reason: 'expected 1-64 of A-Z a-z 0-9 _ . : -, starting with a letter or digit',
    } as const;
  }
  const invalid =
    checkTime('start', request.start) ??
    checkTime('end', request.end) ??
    checkText('owner', request.owner, 200) ??
    checkText('reason', request.reason, 1000);
  if (invalid) return invalid;
  if (request.end <= request.start) {
    return { kind: 'invalid_argument', field: 'end', reason: 'must be after start' } as const;
  }
  if (request.end <= now)
    return { kind: 'invalid_argument', field: 'end', reason: 'is in the past' } as const;
  return null;
}

/** Ends an active window now (MAINTENANCE_ENDED), or cancels a scheduled one. */
export function endMaintenance(
  state: DetectorState,
  windowId: string,
  now: number,
  newId: () => string,
): CommandResult {
  const found = state.maintenance.find((window) => window.id === windowId);
  if (!found) return rejected(state, { kind: 'unknown_window', windowId });
  const ctx = timeContext(state, now, newId);
  closeWindow(ctx, found, found.status === 'active' ? 'ended_early' : 'cancelled');
  remind(ctx, null);
  return applied(ctx.state, ctx.events);
}

/**
 * Time crossing window edges at ctx.time: MAINTENANCE_STARTED, MAINTENANCE_ENDED, and once no
 * window is active, a reminder for every open incident that opened while paging was held back.
 */
export function advanceMaintenance(ctx: Context): void {
  for (const window of ctx.state.maintenance) {
    if (window.status === 'scheduled' && window.start <= ctx.time) {
      window.status = 'active';
      emit(ctx, {
        type: 'MAINTENANCE_STARTED',
        severity: 'info',
        summary: `Maintenance ${window.id} started by ${window.owner} for ${formatDuration(window.end - window.start)}: ${window.reason}; events are recorded without paging until ${iso(window.end)}`,
        facts: windowFacts(window),
        incident: { action: 'notice', segment: 'maintenance', name: window.id },
      });
    }
  }
  const ending = ctx.state.maintenance.filter(
    (window) => window.status === 'active' && window.end <= ctx.time,
  );
  for (const window of ending) closeWindow(ctx, window, 'expired');
  if (ending.length > 0) remind(ctx, null);
}

type Outcome = 'expired' | 'ended_early' | 'cancelled';

function closeWindow(ctx: Context, window: MaintenanceWindow, outcome: Outcome): void {
  ctx.state.maintenance = ctx.state.maintenance.filter((candidate) => candidate.id !== window.id);
  const open = ctx.state.incidents.map((incident) => incident.key);
  const verb = { expired: 'ended', ended_early: 'was ended early', cancelled: 'was cancelled' }[outcome];
  emit(ctx, {
    type: 'MAINTENANCE_ENDED',
    severity: 'info',
    summary: `Maintenance ${window.id} (${window.owner}) ${verb}; ${open.length === 0 ? 'no incident is open' : `${open.length} incident(s) still open`}`,
    facts: { ...windowFacts(window), outcome, openIncidents: open },
    incident: { action: 'notice', segment: 'maintenance', name: window.id },
  });
}

function windowFacts(window: MaintenanceWindow): FactsByType['MAINTENANCE_STARTED'] {
  return {
    windowId: window.id,
    start: iso(window.start),
    end: iso(window.end),
    owner: window.owner,
    reason: window.reason,
  };
}
