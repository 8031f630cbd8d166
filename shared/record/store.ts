import type { MonitorEvent } from '../events/types.ts';
import type { Delivery, IncidentRoute, Outbox } from './outbox.ts';

/** A cluster's detector state as last committed; version 0 means never committed (state null). */
export interface StoredState {
  readonly state: unknown | null;
  readonly version: number;
}

/** A conflict is a value: the version moved. currentVersion is null when the re-read after it failed. */
export type CommitResult =
  | { readonly kind: 'committed'; readonly version: number }
  | { readonly kind: 'conflict'; readonly currentVersion: number | null };

/** since inclusive, until exclusive, both ISO; times are those of the event ids (ULIDs). */
export interface EventQuery {
  readonly cluster: string;
  readonly since?: string;
  readonly until?: string;
  /** Left out: every type. An empty list matches nothing. */
  readonly types?: readonly string[];
  /** At most this many events per page (1..1000, default 100). */
  readonly limit?: number;
  /** From the previous page; opaque. */
  readonly cursor?: string;
  readonly order?: 'oldest-first' | 'newest-first';
}

/** cursor is present when there may be more events. */
export interface EventPage {
  readonly events: MonitorEvent[];
  readonly cursor?: string;
}

export interface Lease {
  readonly name: string;
  readonly owner: string;
  readonly expiresAt: string;
}

export type LeaseResult =
  | { readonly kind: 'acquired'; lease: Lease }
  | { readonly kind: 'held'; lease: Lease };

export interface Store {
  load(cluster: string): Promise<StoredState>;
  /**
   * State, events and their outbox (deliveries, incident routes) in one transaction, only if the
   * stored version is still `expectedVersion`.
   */
  commit(
    cluster: string,
    expectedVersion: number,
    state: unknown,
    events: readonly MonitorEvent[],
    outbox?: Outbox,
  ): Promise<CommitResult>;
  /** Pending deliveries of one channel, oldest event first. */
  pendingDeliveries(cluster: string, channel: string, limit: number): Promise<Delivery[]>;
  /** Records the outcome of a delivery attempt (the item exists: it was committed with its event). */
  saveDelivery(delivery: Delivery): Promise<void>;
  /** The channels an incident's messages go to, and their threads; null when it never paged. */
  incidentRoute(cluster: string, incidentKey: string): Promise<IncidentRoute | null>;
  /** Remembers the thread of an incident on a channel (the first message's reference). */
  saveThread(cluster: string, incidentKey: string, channel: string, thread: string): Promise<void>;
  events(query: EventQuery): Promise<EventPage>;
  /** The clusters that have a state, sorted. */
  clusters(): Promise<string[]>;
  /**
   * Re-acquiring by the same owner extends the lease; an expired lease can be taken, and so can one
   * held by `takeOverFrom` (a holder the caller knows is dead: it can no longer act).
   */
  acquireLease(
    cluster: string,
    name: string,
    owner: string,
    ttlMs: number,
    now: number,
    options?: { readonly takeOverFrom?: string },
  ): Promise<LeaseResult>;
  /** Releases only the owner's own lease; anything else is a no-op. */
  releaseLease(cluster: string, name: string, owner: string): Promise<void>;
}
