import * as z from 'zod';
import { EVENT_TYPES, INCIDENT_ACTIONS, SEVERITIES } from '../../events/types.ts';
import { WEBHOOK_SCHEMA_VERSION } from './envelope.ts';

/**
 * The webhook envelope as a zod schema: the contract a receiver can validate against (and the source
 * of docs/webhook-event.schema.json). Kept apart from the notifier, which never needs it.
 */
export const webhookEnvelopeSchema = z
  .strictObject({
    type: z.literal('dremio-ha-monitor.event'),
    version: z.literal(WEBHOOK_SCHEMA_VERSION),
    event: z
      .looseObject({
        id: z.string().meta({ description: 'ULID; the same on a re-delivery: deduplicate on it.' }),
        cluster: z.string(),
        type: z.enum(EVENT_TYPES),
        severity: z.enum(SEVERITIES),
        at: z.string().meta({ description: 'ISO time.' }),
        incidentKey: z.string().max(255),
        incidentAction: z.enum(INCIDENT_ACTIONS).optional(),
        summary: z.string(),
        facts: z.record(z.string(), z.unknown()).meta({ description: 'Per event type: docs/events.md.' }),
        steps: z.array(z.string()).optional(),
        suppressed: z.boolean().optional(),
      })
      .meta({ description: 'The event as the audit log records it.' }),
    view: z
      .strictObject({
        status: z.enum(['critical', 'warning', 'info', 'resolved', 'reminder', 'acknowledged']),
        headline: z.string().meta({ description: '`[CRITICAL] prod: No master registered`' }),
        title: z.string(),
        facts: z.array(z.strictObject({ label: z.string(), value: z.string() })),
        steps: z.array(z.string()).meta({ description: 'What to do, in order.' }),
        notes: z.array(z.string()),
        links: z.array(z.strictObject({ label: z.string(), url: z.string() })),
      })
      .meta({ description: 'How the event reads for people, as Slack and e-mail show it.' }),
  })
  .meta({
    title: 'dremio-ha-monitor webhook event',
    description: 'The body of every webhook delivery, signed in the X-Dremio-HA-Signature header.',
  });
