import type { Dispatcher } from 'undici';
import { postJson } from '../notify/http.ts';
import type { AcknowledgeClick } from './slack-action.ts';

/**
 * An ephemeral reply to whoever clicked, through the interaction's `response_url`. The URL comes
 * from a signed request, and is still only followed to Slack's own host (or, in tests, the local
 * Slack given in `origins`): the endpoint never posts anywhere a request names.
 */
export function slackResponder(options: {
  readonly dispatcher: Dispatcher;
  /** @default ['https://hooks.slack.com'] */
  readonly origins?: readonly string[];
  readonly timeoutMs?: number;
}): (click: AcknowledgeClick, text: string) => Promise<void> {
  const origins = options.origins ?? ['https://hooks.slack.com'];
  return async (click, text) => {
    if (!click.responseUrl) return;
    let url: URL;
    try {
      url = new URL(click.responseUrl);
    } catch {
      return;
    }
    if (!origins.includes(url.origin)) return;
    await postJson({
      url: url.href,
      body: { response_type: 'ephemeral', replace_original: false, text },
      dispatcher: options.dispatcher,
      timeoutMs: options.timeoutMs ?? 2000,
      signal: new AbortController().signal,
      bodyLimitBytes: 1024,
      secrets: [url.href],
    });
  };
}
