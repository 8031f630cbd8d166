import { describeEvent, type Link, type NotificationContext } from '../../events/present.ts';
import type { MonitorEvent } from '../../events/types.ts';

/**
 * What a generic webhook receives: the event as the audit log records it, and its presentation, in
 * a versioned envelope. Its JSON Schema (event-schema.ts, published as
 * docs/webhook-event.schema.json) is the contract: a new optional field keeps the version; a change a
 * receiver could trip on bumps it.
 */

export const WEBHOOK_SCHEMA_VERSION = 1;

export interface WebhookEnvelope {
  readonly type: 'dremio-ha-monitor.event';
  readonly version: typeof WEBHOOK_SCHEMA_VERSION;
  readonly event: MonitorEvent;
  readonly view: {
    readonly status: string;
    readonly headline: string;
    readonly title: string;
    readonly facts: ReadonlyArray<{ readonly label: string; readonly value: string }>;
    readonly steps: readonly string[];
    readonly notes: readonly string[];
    readonly links: readonly Link[];
  };
}

export function webhookEnvelope(event: MonitorEvent, context: NotificationContext = {}): WebhookEnvelope {
  const view = describeEvent(event, context);
  return {
    type: 'dremio-ha-monitor.event',
    version: WEBHOOK_SCHEMA_VERSION,
    event,
    view: {
      status: view.status,
      headline: view.headline,
      title: view.title,
      facts: view.facts.map(({ label, value }) => ({ label, value })),
      steps: view.steps,
      notes: view.notes,
      links: view.links.map(({ label, url }) => ({ label, url })),
    },
  };
}
