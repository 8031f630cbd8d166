import type { MonitorEvent } from '../events/types.ts';
import type { Acknowledgement, DetectorState } from './state.ts';

/** Why a command was refused: data for the CLI to print, never an exception. */
export type CommandError =
  | { readonly kind: 'unknown_incident'; readonly incidentKey: string }
  | {
      readonly kind: 'already_acknowledged';
      readonly incidentKey: string;
      readonly acknowledged: Acknowledgement;
    }
  | { readonly kind: 'unknown_window'; readonly windowId: string }
  | { readonly kind: 'duplicate_window'; readonly windowId: string }
  | { readonly kind: 'invalid_argument'; readonly field: string; readonly reason: string };

/** A command's outcome; a rejected command leaves the state as it was and emits nothing. */
export type CommandResult =
  | { readonly kind: 'applied'; readonly state: DetectorState; readonly events: MonitorEvent[] }
  | {
      readonly kind: 'rejected';
      readonly state: DetectorState;
      readonly events: MonitorEvent[];
      readonly error: CommandError;
    };

export function rejected(state: DetectorState, error: CommandError): CommandResult {
  return { kind: 'rejected', state, events: [], error };
}

export function applied(state: DetectorState, events: MonitorEvent[]): CommandResult {
  return { kind: 'applied', state, events };
}

/** A person's words (who, why): non-empty, one line, bounded. */
export function checkText(field: string, value: string, maxLength: number): CommandError | null {
  if (typeof value !== 'string' || value.trim() === '') {
    return { kind: 'invalid_argument', field, reason: 'must not be empty' };
  }
  if (value.length > maxLength) {
    return { kind: 'invalid_argument', field, reason: `must be at most ${maxLength} characters` };
  }
  return null;
}

export function checkTime(field: string, value: number): CommandError | null {
  return Number.isSafeInteger(value) && value >= 0
    ? null
    : { kind: 'invalid_argument', field, reason: 'must be epoch milliseconds' };
}
