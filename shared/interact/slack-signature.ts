import { checkSignature, hmacHex, type SignatureCheck } from '../http/signed-request.ts';

/**
 * Slack's request signing (v0): `X-Slack-Signature: v0=<hex>`, the HMAC-SHA256 with the app's signing
 * secret of `v0:<X-Slack-Request-Timestamp>:<raw body>`. A request whose timestamp is more than five
 * minutes from our clock is refused, so a captured request cannot be replayed later; a replay within
 * the window is refused by the replay guard.
 */

export const SLACK_SIGNATURE_HEADER = 'x-slack-signature';
export const SLACK_TIMESTAMP_HEADER = 'x-slack-request-timestamp';
export const SLACK_TOLERANCE_MS = 300_000;

export type SlackVerification = SignatureCheck;

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
  return checkSignature({
    secret,
    signedText: signedText(timestamp, rawBody),
    givenHex: signature.slice('v0='.length),
    timestampSeconds: Number(timestamp),
    nowMs,
    toleranceMs: SLACK_TOLERANCE_MS,
  });
}

/** `v0=<hex>` for a body sent at `timestamp` (seconds): what Slack sends, and what tests sign with. */
export function slackSignature(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${hmacHex(secret, signedText(timestamp, rawBody))}`;
}

function signedText(timestamp: string, rawBody: string): string {
  return `v0:${timestamp}:${rawBody}`;
}
