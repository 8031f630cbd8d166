import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { Agent } from 'undici';
import type { DeliverOptions } from '../../shared/notify/deliver.ts';
import {
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhook,
  WebhookNotifier,
} from '../../shared/notify/webhook/index.ts';
import { type HttpReceiver, type ScriptedReply, startHttpReceiver } from '../support/http-receiver.ts';
import { sampleContext, sampleEvent, T0 } from '../support/notify-events.ts';
import { committedEvents, deliverRound, INCIDENT_LIFE, sendEveryEventType } from '../support/outbox-round.ts';

/**
 * The signed webhook against a local receiver that checks each request with the verification
 * example of docs/channels/webhook.md (the code block itself, run from a file), as a user's receiver
 * would: 401 for a bad signature, 200 without acting on an event id seen before.
 */

const SECRET = 'whsec-9f2c4e7a1b3d5f60-local-test';
const API_KEY = 'bridge-api-key-5c1e9a7f';
type Verify = (secret: string, header: unknown, rawBody: string, nowMs?: number) => boolean;

/** The docs' example, written to a module of its own and imported: the docs cannot drift from it. */
async function loadDocsExample(folder: string): Promise<Verify> {
  const docs = readFileSync(new URL('../../docs/channels/webhook.md', import.meta.url), 'utf8');
  const block = /<!-- verify-example[^>]*-->\n```js\n([\s\S]*?)```/.exec(docs)?.[1];
  assert.ok(block, 'docs/channels/webhook.md has its verify-example block');
  assert.ok(block.split('\n').length <= 20, 'the example stays short');
  const file = join(folder, 'verify-example.mjs');
  writeFileSync(file, block);
  const module = (await import(pathToFileURL(file).href)) as { isSignedByDremioHaMonitor: Verify };
  return module.isSignedByDremioHaMonitor;
}

describe('the signed webhook through the outbox, against a receiver running the docs example', () => {
  const folder = mkdtempSync(join(tmpdir(), 'webhook-example-'));
  let verify: Verify;
  let receiver: HttpReceiver;
  /** Event ids the receiver acted on, in order. */
  const acted: string[] = [];
  const dispatcher = new Agent({ keepAliveTimeout: 500 });
  const reasons: string[] = [];

  before(async () => {
    verify = await loadDocsExample(folder);
    receiver = await startHttpReceiver(({ headers, raw }): ScriptedReply => {
      if (!verify(SECRET, headers[SIGNATURE_HEADER], raw)) return { status: 401, body: 'bad signature' };
      if (headers['x-api-key'] !== API_KEY) return { status: 403 };
      const id = String(headers[EVENT_ID_HEADER]);
      if (!acted.includes(id)) acted.push(id);
      return { status: 200 };
    });
  });
  after(async () => {
    await dispatcher.close();
    await receiver.close();
    rmSync(folder, { recursive: true, force: true });
    for (const reason of reasons) {
      assert.ok(!reason.includes(SECRET) && !reason.includes(API_KEY), `a reason leaks a secret: ${reason}`);
    }
  });

  const notifier = (signingSecret = SECRET) =>
    new WebhookNotifier({
      channel: 'bridge',
      url: `${receiver.url}/dremio-ha`,
      signingSecret,
      headers: { 'X-Api-Key': API_KEY },
      dispatcher,
    });
  const round = (options: Omit<DeliverOptions, 'owner' | 'context'>) => deliverRound(options, reasons);

  it('delivers every event type as its golden body, signed, with its event id', async () => {
    await sendEveryEventType(
      notifier(),
      'webhook',
      () => receiver.requests,
      (event, golden, [request]) => {
        assert.equal(request?.status, 200, event.type);
        assert.equal(request?.headers[EVENT_ID_HEADER], event.id);
        assert.deepEqual(JSON.parse(request?.raw ?? ''), golden, `${event.type} differs from its golden`);
      },
    );
  });

  it("delivers an incident's life in commit order", async () => {
    const { cluster, store, events } = await committedEvents(INCIDENT_LIFE, ['bridge']);
    const from = acted.length;
    const done = await round({ cluster, store, notifiers: [notifier()], now: () => T0 });
    assert.equal(done.delivered.length, INCIDENT_LIFE.length);
    assert.deepEqual(
      acted.slice(from),
      events.map((event) => event.id),
    );
  });

  it('a re-delivery of the same event is acted on once (the receiver keeps event ids)', async () => {
    const event = sampleEvent('MASTER_DOWN');
    const webhook = notifier();
    const before = acted.filter((id) => id === event.id).length;
    for (let i = 0; i < 2; i++) {
      await webhook.send({ event, context: sampleContext(event) }, new AbortController().signal);
    }
    assert.equal(receiver.requests.at(-1)?.status, 200);
    assert.equal(acted.filter((id) => id === event.id).length, Math.max(before, 1));
  });

  it('retries a 429 after its Retry-After, then delivers', async () => {
    const { cluster, store } = await committedEvents(['MASTER_DOWN'], ['bridge']);
    receiver.answer({ status: 429, headers: { 'retry-after': '3' } });
    const first = await round({ cluster, store, notifiers: [notifier()], now: () => T0 });
    assert.equal(first.retrying[0]?.nextAttemptAt, T0 + 3000);
    const later = await round({ cluster, store, notifiers: [notifier()], now: () => T0 + 3000 });
    assert.equal(later.delivered.length, 1);
  });

  it('a wrong signing secret is refused (401) and given up at once, naming the setting', async () => {
    const { cluster, store } = await committedEvents(['MASTER_DOWN'], ['bridge']);
    const done = await round({
      cluster,
      store,
      notifiers: [notifier('another-secret-of-16-chars')],
      now: () => T0,
    });
    assert.equal(receiver.requests.at(-1)?.status, 401);
    assert.equal(done.failed[0]?.attempts, 1);
    assert.match(done.failed[0]?.lastError ?? '', /401.*signingSecret/);
  });

  it('a receiver gone for good (410) is given up at once', async () => {
    const { cluster, store } = await committedEvents(['MASTER_DOWN'], ['bridge']);
    receiver.answer({ status: 410 });
    const done = await round({ cluster, store, notifiers: [notifier()], now: () => T0 });
    assert.equal(done.failed[0]?.attempts, 1);
    assert.match(done.failed[0]?.lastError ?? '', /410.*gone for good/);
  });

  it('the docs example refuses a replay after five minutes, a tampered body and another secret', () => {
    const body = JSON.stringify({ type: 'dremio-ha-monitor.event', version: 1 });
    const header = signWebhook(SECRET, body, T0);
    assert.equal(verify(SECRET, header, body, T0 + 60_000), true);
    assert.equal(verify(SECRET, header, body, T0 + 301_000), false, 'replayed 301 s later');
    assert.equal(verify(SECRET, header, body.replace('1', '2'), T0), false, 'tampered body');
    assert.equal(verify('another-secret-of-16-chars', header, body, T0), false, 'another secret');
    assert.equal(verify(SECRET, undefined, body, T0), false, 'no header');
  });

  it('the docs example agrees with verifyWebhook on any header, body and clock', () => {
    const header = fc.oneof(
      fc.string(),
      fc
        .tuple(fc.integer({ min: -400, max: 400 }), fc.string())
        .map(([skew, body]) => signWebhook(SECRET, body, T0 + skew * 1000)),
      fc
        .tuple(fc.integer({ min: 0, max: 2 ** 40 }), fc.stringMatching(/^[0-9a-f]{64}$/))
        .map(([t, v1]) => `t=${t},v1=${v1}`),
    );
    fc.assert(
      fc.property(header, fc.string(), (signature, body) => {
        // A header made for `body` too, so the valid case is reached often.
        for (const candidate of [signature, signWebhook(SECRET, body, T0)]) {
          assert.equal(
            verify(SECRET, candidate, body, T0),
            verifyWebhook(SECRET, candidate, body, T0).ok,
            candidate,
          );
        }
      }),
    );
  });
});
