import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Agent } from '../../shared/http/undici.ts';
import { SlackWebhookNotifier } from '../../shared/notify/slack/index.ts';
import { sampleContext, sampleEvent } from '../support/notify-events.ts';

const TOKEN = 'q8ZtW3nLx5RkP2vYh7GcJ4dA';

/**
 * A Slack (or a proxy in front of it) that echoes the webhook URL in its error body, cut at every
 * length and shifted across the notifier's excerpt and body limits: nothing of the token may reach
 * a reason (which goes to stderr, the audit log, DELIVERY_FAILED and the report).
 */
describe('a webhook answer that echoes the URL never leaks it, at any length', () => {
  let server: Server;
  let webhookUrl: string;
  let dispatcher: Agent;
  let echo = '';

  before(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(404, { 'content-type': 'text/plain' }).end(echo));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    assert.ok(address && typeof address !== 'string');
    webhookUrl = `http://127.0.0.1:${address.port}/services/T0ABCDEFG/B0HIJKLMN/${TOKEN}`;
    dispatcher = new Agent({ connect: { timeout: 1000 } });
  });
  after(async () => {
    await dispatcher.close();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Every piece of the token of 6 characters or more. */
  function leaks(text: string): string[] {
    const found: string[] = [];
    for (let start = 0; start + 6 <= TOKEN.length; start += 1) {
      const piece = TOKEN.slice(start, start + 6);
      if (text.includes(piece)) found.push(piece);
    }
    return found;
  }

  it('the whole URL, its path and its token, cut at every length, behind paddings across the limits', async () => {
    const notifier = new SlackWebhookNotifier({ channel: 'oncall', webhookUrl, dispatcher, timeoutMs: 2000 });
    const event = sampleEvent('MASTER_DOWN');
    const forms = [webhookUrl, new URL(webhookUrl).pathname, new URL(webhookUrl).pathname.slice(1), TOKEN];
    // Around the excerpt (100 characters) and the body cap (4096 bytes).
    const paddings = [0, 40, 90, 99, 4050, 4090];
    let checked = 0;
    for (const form of forms) {
      for (const padding of paddings) {
        for (let length = 1; length <= form.length; length += 1) {
          echo = `${'e'.repeat(padding)}${form.slice(0, length)}`;
          const outcome = await notifier.send(
            { event, context: sampleContext(event) },
            new AbortController().signal,
          );
          assert.notEqual(outcome.kind, 'delivered');
          const reason = outcome.kind === 'delivered' ? '' : outcome.reason;
          assert.deepEqual(leaks(reason), [], `echo of ${length} characters after ${padding}: ${reason}`);
          checked += 1;
        }
      }
    }
    assert.ok(checked > 500);
  });
});
