import { checkSignature, hmacHex, type SignatureCheck } from '../../http/signed-request.ts';

/**
 * The signature of a webhook delivery, as GitHub and Stripe sign theirs: HMAC-SHA256 with the shared
 * secret over `<unix seconds>.<raw body>`, sent as `X-Dremio-HA-Signature: t=<seconds>,v1=<hex>`.
 * The timestamp inside the signed text lets a receiver refuse a replay of an old request.
 */

export const SIGNATURE_HEADER = 'x-dremio-ha-signature';
export const EVENT_ID_HEADER = 'x-dremio-ha-event-id';
/** How far a request's timestamp may be from the receiver's clock. */
export const DEFAULT_TOLERANCE_MS = 300_000;

export function signWebhook(secret: string, body: string, nowMs: number): string {
  const timestamp = Math.floor(nowMs / 1000);
  return `t=${timestamp},v1=${hmacHex(secret, signedText(timestamp, body))}`;
}

export type WebhookVerification =
  | { readonly ok: true; readonly timestamp: number }
  | Exclude<SignatureCheck, { readonly ok: true }>;

/**
 * Whether `header` signs `body` with `secret` within `toleranceMs` of `nowMs`. Compares in constant
 * time. The body must be the exact bytes received, before any JSON parsing.
 */
export function verifyWebhook(
  secret: string,
  header: string | undefined,
  body: string,
  nowMs: number,
  toleranceMs = DEFAULT_TOLERANCE_MS,
): WebhookVerification {
  if (header === undefined || header === '') return { ok: false, reason: 'missing' };
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = parts.get('t') ?? '';
  const v1 = parts.get('v1') ?? '';
  if (!/^\d{1,12}$/.test(t) || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false, reason: 'malformed' };
  const timestamp = Number(t);
  const checked = checkSignature({
    secret,
    signedText: signedText(timestamp, body),
    givenHex: v1,
    timestampSeconds: timestamp,
    nowMs,
    toleranceMs,
  });
  return checked.ok ? { ok: true, timestamp } : checked;
}

function signedText(timestamp: number, body: string): string {
  return `${timestamp}.${body}`;
}
