import * as z from 'zod';
import { ACKNOWLEDGE_BUTTON_ACTION } from '../notify/slack/render.ts';

/**
 * What a click on the Acknowledge button sends: a form body with one field, `payload`, the JSON of a
 * `block_actions` interaction. Only what acknowledging needs is read; anything else Slack adds is
 * ignored. Read only after the request's signature was checked.
 */

const payloadSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({
    id: z.string().regex(/^[UW][A-Z0-9]{2,30}$/),
    username: z.string().max(200).optional(),
    name: z.string().max(200).optional(),
  }),
  actions: z
    .array(z.object({ action_id: z.string().max(255), value: z.string().max(2000).optional() }))
    .min(1),
  response_url: z.string().max(2000).optional(),
  channel: z.object({ id: z.string().max(40) }).optional(),
});

export interface AcknowledgeClick {
  readonly incidentKey: string;
  /** Who clicked, as the audit log records it: `@alice (U0123ABCD)`. */
  readonly by: string;
  readonly userId: string;
  readonly responseUrl?: string;
}

export type ClickReading =
  | { readonly ok: true; readonly click: AcknowledgeClick }
  | { readonly ok: false; readonly problem: string };

/** The acknowledge click in a form body, or what is wrong with the body (never echoing it). */
export function readAcknowledgeClick(rawBody: string): ClickReading {
  const payloadText = new URLSearchParams(rawBody).get('payload');
  if (payloadText === null) return { ok: false, problem: 'the form has no payload field' };
  let json: unknown;
  try {
    json = JSON.parse(payloadText);
  } catch {
    return { ok: false, problem: 'payload is not JSON' };
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `payload.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  const { user, actions, response_url } = parsed.data;
  const action = actions.find((candidate) => candidate.action_id === ACKNOWLEDGE_BUTTON_ACTION);
  if (!action) return { ok: false, problem: `no ${ACKNOWLEDGE_BUTTON_ACTION} action in the payload` };
  const incidentKey = action.value ?? '';
  // Incident keys are `<cluster>/<kind>/...`, at most 255 characters.
  if (incidentKey.length > 255 || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}\/\S+$/.test(incidentKey)) {
    return { ok: false, problem: 'the acknowledge action does not carry an incident key' };
  }
  const name = (user.username ?? user.name ?? '').replace(/[^\w.-]/g, '').slice(0, 80);
  return {
    ok: true,
    click: {
      incidentKey,
      by: name ? `@${name} (${user.id})` : user.id,
      userId: user.id,
      ...(response_url ? { responseUrl: response_url } : {}),
    },
  };
}
