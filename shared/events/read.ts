import { formatDuration, formatTime } from './format.ts';
import type { MonitorEvent } from './types.ts';

/**
 * The one way to read an event's `facts` for people and reports. Facts are stored JSON, and an
 * event recorded by an older version may lack a field, so each reader takes an unknown value and
 * gives a typed one, or undefined (an empty list, `none`) when the value is missing or odd. None
 * throws.
 */

/** The facts as a JSON map, whatever the event's type (empty for no event). */
export function factsRecord(event: MonitorEvent | undefined): Readonly<Record<string, unknown>> {
  return record(event?.facts) ?? {};
}

export function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** An ISO time as epoch ms, when it is one. */
export function epochOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function yesNo(value: unknown): string | undefined {
  return value === true ? 'yes' : value === false ? 'no' : undefined;
}

export function addressOf(value: unknown): string | undefined {
  return text(record(value)?.address);
}

/** `10.0.0.11 (fabric 45678)`, or the address alone. */
export function masterName(value: unknown): string | undefined {
  const address = addressOf(value);
  if (address === undefined) return undefined;
  const port = num(record(value)?.fabricPort);
  return port === undefined ? address : `${address} (fabric ${port})`;
}

export function listOrNone(value: unknown): string {
  const items = list(value).map(text).filter(Boolean);
  return items.length === 0 ? 'none' : items.join(', ');
}

export function joinDefined(parts: Array<string | undefined | false>, separator = ' '): string | undefined {
  const present = parts.filter((part): part is string => typeof part === 'string' && part !== '');
  return present.length === 0 ? undefined : present.join(separator);
}

/** Milliseconds from `since` (ISO) to `until` (ISO), when both are times. */
export function between(since: unknown, until: unknown): number | undefined {
  if (typeof since !== 'string' || typeof until !== 'string') return undefined;
  const ms = Date.parse(until) - Date.parse(since);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The value through {@link formatTime}, when {@link text} reads it (not missing, not empty). */
export const time = (value: unknown): string | undefined => (text(value) ? formatTime(value) : undefined);

/** `4 min 30 s` (after `prefix`), when the value is a finite number of milliseconds. */
export const duration = (ms: unknown, prefix = ''): string | undefined => {
  const value = num(ms);
  return value === undefined ? undefined : `${prefix}${formatDuration(value)}`;
};

/** The node an event is about (the failed master, the coordinator, the restart target), if one. */
export function nodeOf(event: MonitorEvent): string | undefined {
  const facts = factsRecord(event);
  return (
    text(facts.address) ??
    addressOf(facts.target) ??
    addressOf(facts.from) ??
    addressOf(facts.master) ??
    addressOf(facts.previous)
  );
}
