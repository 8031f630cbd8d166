import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What every timestamped HMAC-SHA256 request signature checks once its header is read (the signed
 * webhooks the monitor sends, the clicks Slack sends it): the timestamp within a tolerance of the
 * receiver's clock, so an old request cannot be replayed later, then the HMAC, compared in constant
 * time.
 */

export type SignatureCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'missing' | 'malformed' | 'too-old' | 'in-the-future' | 'mismatch';
    };

/** The HMAC-SHA256 of `text` with `secret`, in hex. */
export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

/**
 * `givenHex` (64 hex digits, already checked) against the HMAC of `signedText`, after the signed
 * `timestampSeconds` is found within `toleranceMs` of `nowMs`.
 */
export function checkSignature(options: {
  readonly secret: string;
  readonly signedText: string;
  readonly givenHex: string;
  readonly timestampSeconds: number;
  readonly nowMs: number;
  readonly toleranceMs: number;
}): SignatureCheck {
  const age = options.nowMs - options.timestampSeconds * 1000;
  if (age > options.toleranceMs) return { ok: false, reason: 'too-old' };
  if (-age > options.toleranceMs) return { ok: false, reason: 'in-the-future' };
  const expected = Buffer.from(hmacHex(options.secret, options.signedText), 'hex');
  return timingSafeEqual(expected, Buffer.from(options.givenHex, 'hex'))
    ? { ok: true }
    : { ok: false, reason: 'mismatch' };
}
