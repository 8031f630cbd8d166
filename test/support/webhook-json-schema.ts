import { z } from 'zod';
import { webhookEnvelopeSchema } from '../../shared/notify/webhook/event-schema.ts';

/**
 * The JSON Schema of the webhook envelope, published as docs/webhook-event.schema.json. Built here,
 * not in shared/, so that the Lambda bundles never carry zod's JSON Schema writer.
 */
export function webhookJsonSchema(): object {
  return z.toJSONSchema(webhookEnvelopeSchema, { io: 'output', target: 'draft-2020-12' });
}
