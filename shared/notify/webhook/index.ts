/** A generic webhook: the versioned event envelope, signed with HMAC-SHA256 over timestamp and body. */
export { WEBHOOK_SCHEMA_VERSION, type WebhookEnvelope, webhookEnvelope } from './envelope.ts';
export { webhookEnvelopeSchema } from './event-schema.ts';
export {
  DEFAULT_TOLERANCE_MS,
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhook,
  type WebhookVerification,
} from './signature.ts';
export {
  classifyWebhookReceiverAnswer,
  WebhookNotifier,
  type WebhookNotifierOptions,
} from './webhook-notifier.ts';
