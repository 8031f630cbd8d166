import type { MonitorEvent } from '../../shared/events/types.ts';

/** An event with facts of any shape: what a store written by another version, or odd JSON, may hold. */
export type LooseEvent = Omit<MonitorEvent, 'facts'> & { readonly facts: object };

/**
 * The event as readers get it from a store, facts unchecked. Typed facts keep tests from making
 * such an event by accident; the tests of what every reader must survive make one on purpose.
 */
export function looseEvent(event: LooseEvent): MonitorEvent {
  // The decoder checks the envelope only; facts of another version reach readers as they are.
  return event as unknown as MonitorEvent;
}
