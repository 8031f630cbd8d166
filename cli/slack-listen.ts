import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MonitorConfig } from '../shared/config/schema.ts';
import type { Dispatcher } from '../shared/http/undici.ts';
import { handleSlackInteraction, MAX_BODY_BYTES } from '../shared/interact/slack-interactions.ts';
import { slackResponder } from '../shared/interact/slack-reply.ts';
import { slackAcknowledger } from '../shared/monitor/slack-acknowledge.ts';
import { storeReplayGuard } from '../shared/record/replay-guard.ts';
import type { Store } from '../shared/record/store.ts';

/** The path Slack's Request URL points at: `http(s)://<host>/slack/interactions`. */
export const INTERACTIONS_PATH = '/slack/interactions';

export interface SlackListener {
  readonly address: { readonly host: string; readonly port: number };
  close(): Promise<void>;
}

/**
 * `watch --slack-listen HOST:PORT`: the Acknowledge clicks served next to the monitor loop, which
 * records and delivers them as its own decisions. Put it behind the HTTPS reverse proxy Slack's
 * Request URL points at; the signature is the gate, as on AWS.
 */
export async function startSlackListener(options: {
  readonly listen: { readonly host: string; readonly port: number };
  readonly config: MonitorConfig;
  readonly store: Store;
  readonly decide: Parameters<typeof slackAcknowledger>[0]['decide'];
  readonly signingSecrets: readonly string[];
  readonly dispatcher: Dispatcher;
  readonly log: (entry: Record<string, unknown>) => void;
}): Promise<SlackListener> {
  const acknowledge = slackAcknowledger({
    config: options.config,
    decide: options.decide,
  });
  const firstSeen = storeReplayGuard(options.store);
  const reply = slackResponder({ dispatcher: options.dispatcher });
  const server: Server = createServer((request, response) => {
    const answer = (status: number, body: string) => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(body);
    };
    if ((request.url ?? '').split('?')[0] !== INTERACTIONS_PATH) return answer(404, 'not found');
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Kept up to one byte over the limit: enough for the handler to refuse it as too large.
      if (size <= MAX_BODY_BYTES + 1) chunks.push(chunk);
    });
    request.on('end', () => {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        headers[name] = Array.isArray(value) ? value[0] : value;
      }
      handleSlackInteraction(
        { method: request.method ?? 'GET', headers, body: Buffer.concat(chunks).toString('utf8') },
        {
          signingSecrets: options.signingSecrets,
          firstSeen,
          acknowledge,
          reply,
          log: (entry) => options.log({ level: 'error', message: 'slack interaction refused', ...entry }),
        },
      ).then(
        (outcome) => answer(outcome.status, outcome.body),
        (error: unknown) => {
          options.log({ level: 'error', message: 'slack interaction failed', error: String(error) });
          answer(503, 'could not record the acknowledgement; try again');
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    address: { host: address.address, port: address.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
