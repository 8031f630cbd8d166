import { createHash } from 'node:crypto';
import { type AcknowledgeClick, readAcknowledgeClick } from './slack-action.ts';
import { SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, verifySlackRequest } from './slack-signature.ts';

/**
 * Slack's interaction requests (a click on Acknowledge), whatever serves them: the Lambda behind a
 * function URL or the CLI's listener. In this order, and nothing is read before its turn: the size,
 * the signature and its age, the replay guard, then the payload; only then is anything recorded.
 * This endpoint can acknowledge an incident and nothing else.
 */

export interface InboundRequest {
  readonly method: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received: the signature is over these bytes. */
  readonly body: string;
}

export interface InboundResponse {
  readonly status: number;
  readonly body: string;
}

export type AcknowledgeOutcome =
  | { readonly kind: 'acknowledged' }
  | { readonly kind: 'already-acknowledged'; readonly by: string; readonly at: number }
  | { readonly kind: 'unknown-incident' };

export interface SlackInteractionOptions {
  /** The Slack apps' signing secrets, resolved from their references: any may sign. Never logged. */
  readonly signingSecrets: readonly string[];
  readonly now?: () => number;
  /**
   * True the first time a request id is seen (kept for ten minutes, twice the signature's window);
   * false for a replay. Backed by the store, so every instance of the function shares it.
   */
  readonly firstSeen: (requestId: string, now: number) => Promise<boolean>;
  /** Records the acknowledgement (INCIDENT_ACKNOWLEDGED) and lets the channels know. */
  readonly acknowledge: (click: AcknowledgeClick) => Promise<AcknowledgeOutcome>;
  /** Tells the person who clicked, privately, when the click changed nothing. */
  readonly reply?: (click: AcknowledgeClick, text: string) => Promise<void>;
  /** One line per refused request, without the body or any secret. */
  readonly log?: (entry: { readonly status: number; readonly reason: string }) => void;
}

/** Slack sends a form of a few KB; anything far larger is not Slack. */
export const MAX_BODY_BYTES = 64 * 1024;

export async function handleSlackInteraction(
  request: InboundRequest,
  options: SlackInteractionOptions,
): Promise<InboundResponse> {
  const refuse = (status: number, reason: string): InboundResponse => {
    options.log?.({ status, reason });
    return { status, body: reason };
  };
  if (request.method !== 'POST') return refuse(405, 'only POST');
  if (Buffer.byteLength(request.body) > MAX_BODY_BYTES) return refuse(413, 'body too large');
  const now = (options.now ?? Date.now)();
  const signature = request.headers[SLACK_SIGNATURE_HEADER];
  const verifications = options.signingSecrets.map((secret) =>
    verifySlackRequest(secret, request.headers[SLACK_TIMESTAMP_HEADER], signature, request.body, now),
  );
  const verified =
    verifications.find((verification) => verification.ok) ??
    verifications[0] ??
    ({ ok: false, reason: 'mismatch' } as const);
  if (!verified.ok) {
    return refuse(
      401,
      verified.reason === 'too-old' || verified.reason === 'in-the-future'
        ? `stale request: its timestamp is ${verified.reason.replace(/-/g, ' ')}`
        : `invalid signature (${verified.reason})`,
    );
  }
  // The same signature is the same request: Slack signs the timestamp with the body.
  const requestId = createHash('sha256')
    .update(signature ?? '')
    .digest('hex')
    .slice(0, 32);
  if (!(await options.firstSeen(requestId, now))) return refuse(409, 'replayed request');
  const reading = readAcknowledgeClick(request.body);
  if (!reading.ok) return refuse(400, `malformed interaction: ${reading.problem}`);
  const { click } = reading;
  const outcome = await options.acknowledge(click);
  switch (outcome.kind) {
    case 'acknowledged':
      return { status: 200, body: '' };
    case 'already-acknowledged':
      await options.reply?.(
        click,
        `Already acknowledged by ${outcome.by} at ${new Date(outcome.at).toISOString()}: ${click.incidentKey}`,
      );
      return { status: 200, body: '' };
    case 'unknown-incident':
      await options.reply?.(click, `No open incident ${click.incidentKey}: it may have resolved already.`);
      return refuse(404, 'unknown incident');
  }
}
