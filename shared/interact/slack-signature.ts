import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack's request signing (v0): `X-Slack-Signature: v0=<hex>`, the HMAC-SHA256 with the app's signing
 * secret of `v0:<X-Slack-Request-Timestamp>:<raw body>`. A request whose timestamp is more than five
 * minutes from our clock is refused, so a captured request cannot be replayed later; a replay within
 * the window is refused by the replay guard.
 */

export const SLACK_SIGNATURE_HEADER = 'x-slack-signature';
export const SLACK_TIMESTAMP_HEADER = 'x-slack-request-timestamp';
export const SLACK_TOLERANCE_MS = 300_000;

export type SlackVerification =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'missing' | 'malformed' | 'too-old' | 'in-the-future' | 'mismatch';
    };

/** Whether a request is signed by Slack with `secret`, within five minutes of `nowMs`. Constant-time. */
export function verifySlackRequest(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  rawBody: string,
  nowMs: number,
): SlackVerification {
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/.test(signature)) {
    return { ok: false, reason: 'malformed' };
  }
  const age = nowMs - Number(timestamp) * 1000;
  if (age > SLACK_TOLERANCE_MS) return { ok: false, reason: 'too-old' };
  if (-age > SLACK_TOLERANCE_MS) return { ok: false, reason: 'in-the-future' };
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given)
    ? { ok: true }
    : { ok: false, reason: 'mismatch' };
}

/** `v0=<hex>` for a body sent at `timestamp` (seconds): what Slack sends, and what tests sign with. */
export function slackSignature(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}
