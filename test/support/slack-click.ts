import { slackSignature } from '../../shared/interact/slack-signature.ts';

/** The signing secret of the tests' Slack app. */
export const SIGNING_SECRET = 'slack-signing-secret-8f742231b10e';

/** What Slack posts when someone clicks Acknowledge on a message: a form with the `block_actions` payload. */
export function clickBody(
  incidentKey: string,
  options: { readonly user?: string; readonly username?: string; readonly responseUrl?: string } = {},
): string {
  const payload = {
    type: 'block_actions',
    user: {
      id: options.user ?? 'U0ALICE42',
      username: options.username ?? 'alice',
      name: 'alice',
      team_id: 'T0TEAM',
    },
    api_app_id: 'A0APP',
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0123ABCD' },
    channel: { id: 'C0123ABCD', name: 'oncall' },
    message: { ts: '1700000000.000100', type: 'message' },
    response_url: options.responseUrl ?? 'https://hooks.slack.com/actions/T0TEAM/1/abc',
    actions: [
      {
        action_id: 'acknowledge',
        block_id: 'b1',
        text: { type: 'plain_text', text: 'Acknowledge' },
        value: incidentKey,
        type: 'button',
        action_ts: '1700000001.000200',
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The headers Slack sends with `body` at `nowMs`, signed with `secret`. */
export function signedHeaders(body: string, nowMs: number, secret = SIGNING_SECRET): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': slackSignature(secret, timestamp, body),
  };
}
