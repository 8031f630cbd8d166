import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { MockAgent } from 'undici';
import { type HttpExchange, parseRetryAfter } from '../../../shared/notify/http.ts';
import type { DeliveryOutcome } from '../../../shared/notify/notifier.ts';
import { redact } from '../../../shared/notify/redact.ts';
import {
  classifyApiAnswer,
  classifyWebhookAnswer,
  SlackBotNotifier,
  SlackWebhookNotifier,
} from '../../../shared/notify/slack/index.ts';
import { sampleContext, sampleEvent } from '../../support/notify-events.ts';

const answered = (statusCode: number, body = '', retryAfterMs?: number): HttpExchange => ({
  kind: 'answered',
  statusCode,
  body,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

/** Like Alertmanager's notify/test: every status a webhook might answer, and what it means. */
const STATUSES: ReadonlyArray<[number, DeliveryOutcome['kind']]> = [
  [200, 'delivered'],
  [201, 'delivered'],
  [202, 'delivered'],
  [203, 'delivered'],
  [204, 'delivered'],
  [205, 'delivered'],
  [206, 'delivered'],
  [207, 'delivered'],
  [208, 'delivered'],
  [226, 'delivered'],
  [300, 'failed'],
  [301, 'failed'],
  [302, 'failed'],
  [303, 'failed'],
  [304, 'failed'],
  [305, 'failed'],
  [307, 'failed'],
  [308, 'failed'],
  [400, 'failed'],
  [401, 'failed'],
  [402, 'failed'],
  [403, 'failed'],
  [404, 'failed'],
  [405, 'failed'],
  [406, 'failed'],
  [407, 'failed'],
  [408, 'retry'],
  [409, 'failed'],
  [410, 'failed'],
  [411, 'failed'],
  [412, 'failed'],
  [413, 'failed'],
  [414, 'failed'],
  [415, 'failed'],
  [416, 'failed'],
  [417, 'failed'],
  [418, 'failed'],
  [421, 'failed'],
  [422, 'failed'],
  [423, 'failed'],
  [424, 'failed'],
  [425, 'failed'],
  [426, 'failed'],
  [428, 'failed'],
  [429, 'retry'],
  [431, 'failed'],
  [451, 'failed'],
  [500, 'retry'],
  [501, 'retry'],
  [502, 'retry'],
  [503, 'retry'],
  [504, 'retry'],
  [505, 'retry'],
  [506, 'retry'],
  [507, 'retry'],
  [508, 'retry'],
  [510, 'retry'],
  [511, 'retry'],
  [599, 'retry'],
];

describe('classifyWebhookAnswer', () => {
  for (const [status, kind] of STATUSES) {
    it(`${status} -> ${kind}`, () => {
      assert.equal(classifyWebhookAnswer(answered(status)).kind, kind);
    });
  }

  it('reports a revoked webhook as a configuration problem', () => {
    assert.deepEqual(classifyWebhookAnswer(answered(404, 'no_service')), {
      kind: 'failed',
      reason:
        "Slack rejected the webhook (404 no_service): the webhook URL is revoked or wrong; fix the channel's secret",
    });
  });

  const reasons: Array<[number, string, RegExp]> = [
    [403, 'invalid_token', /revoked or wrong; fix the channel's secret/],
    [404, 'no_team', /revoked or wrong/],
    [410, 'channel_is_archived', /archived, deleted or closed to it/],
    [404, 'channel_not_found', /archived, deleted or closed to it/],
    [403, 'action_prohibited', /closed to it/],
    [400, 'invalid_payload', /malformed: a bug in dremio-ha-monitor/],
    [400, 'something_new', /check the channel's webhook URL/],
  ];
  for (const [status, body, reason] of reasons) {
    it(`explains ${status} ${body}`, () => {
      const outcome = classifyWebhookAnswer(answered(status, body));
      assert.equal(outcome.kind, 'failed');
      assert.match(outcome.kind === 'failed' ? outcome.reason : '', reason);
      assert.ok(outcome.kind === 'failed' && outcome.reason.includes(`(${status} ${body})`));
    });
  }

  it('retries a 429 after what Retry-After said', () => {
    assert.deepEqual(classifyWebhookAnswer(answered(429, 'rate_limited', 30_000)), {
      kind: 'retry',
      reason: 'Slack rate-limited the webhook (429 rate_limited); Slack asked to wait 30 s',
      afterMs: 30_000,
    });
    const bare = classifyWebhookAnswer(answered(429));
    assert.equal(bare.kind, 'retry');
    assert.ok(!('afterMs' in bare));
  });

  it('retries timeouts, network errors and cancellations', () => {
    const cases: HttpExchange[] = [
      { kind: 'timeout', timeoutMs: 5000 },
      { kind: 'failed', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' },
      { kind: 'failed', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND hooks.slack.com' },
      { kind: 'cancelled', why: 'TimeoutError' },
    ];
    for (const exchange of cases) assert.equal(classifyWebhookAnswer(exchange).kind, 'retry', exchange.kind);
    const timeout = classifyWebhookAnswer({ kind: 'timeout', timeoutMs: 5000 });
    assert.equal(timeout.kind === 'retry' && timeout.reason, 'Slack webhook did not answer within 5000 ms');
  });

  it('keeps one short line of an unexpected body', () => {
    const outcome = classifyWebhookAnswer(answered(500, `<html>\n${'x'.repeat(500)}`));
    assert.equal(outcome.kind, 'retry');
    assert.ok(outcome.kind === 'retry' && outcome.reason.length < 200 && !outcome.reason.includes('\n'));
  });
});

describe('classifyApiAnswer', () => {
  const ok = (body: unknown) => answered(200, JSON.stringify(body));
  const cases: Array<[string, HttpExchange, 'ok' | DeliveryOutcome['kind']]> = [
    ['ok', ok({ ok: true, ts: '1.2' }), 'ok'],
    ['ok:false ratelimited', ok({ ok: false, error: 'ratelimited' }), 'retry'],
    ['HTTP 429', answered(429, '{"ok":false,"error":"ratelimited"}', 3000), 'retry'],
    ['invalid_auth', ok({ ok: false, error: 'invalid_auth' }), 'failed'],
    ['channel_not_found', ok({ ok: false, error: 'channel_not_found' }), 'failed'],
    ['not_in_channel', ok({ ok: false, error: 'not_in_channel' }), 'failed'],
    ['account_inactive', ok({ ok: false, error: 'account_inactive' }), 'failed'],
    ['token_revoked', ok({ ok: false, error: 'token_revoked' }), 'failed'],
    ['not_authed', ok({ ok: false, error: 'not_authed' }), 'failed'],
    ['missing_scope', ok({ ok: false, error: 'missing_scope' }), 'failed'],
    ['is_archived', ok({ ok: false, error: 'is_archived' }), 'failed'],
    ['invalid_blocks (a bug)', ok({ ok: false, error: 'invalid_blocks' }), 'failed'],
    ['internal_error', ok({ ok: false, error: 'internal_error' }), 'retry'],
    ['fatal_error', ok({ ok: false, error: 'fatal_error' }), 'retry'],
    ['an error nobody knows yet', ok({ ok: false, error: 'brand_new_error' }), 'retry'],
    ['ok:false without error', ok({ ok: false }), 'retry'],
    ['200 not JSON', answered(200, '<html>'), 'retry'],
    ['500', answered(500, 'oops'), 'retry'],
    ['503', answered(503), 'retry'],
    ['404 (wrong apiBaseUrl)', answered(404, 'not found'), 'failed'],
    ['timeout', { kind: 'timeout', timeoutMs: 5000 }, 'retry'],
    ['refused', { kind: 'failed', code: 'ECONNREFUSED', message: 'refused' }, 'retry'],
  ];
  for (const [name, exchange, expected] of cases) {
    it(`${name} -> ${expected}`, () => {
      const result = classifyApiAnswer('chat.postMessage', exchange);
      assert.equal(result.kind === 'ok' ? 'ok' : result.outcome.kind, expected);
    });
  }

  it('carries Retry-After on rate limits, in either form', () => {
    const http = classifyApiAnswer('chat.postMessage', answered(429, '', 3000));
    assert.ok(http.kind === 'error' && http.outcome.kind === 'retry' && http.outcome.afterMs === 3000);
    const body = classifyApiAnswer('chat.update', answered(200, '{"ok":false,"error":"ratelimited"}', 1000));
    assert.ok(body.kind === 'error' && body.outcome.kind === 'retry' && body.outcome.afterMs === 1000);
  });

  it('says what to do about a channel the bot is not in', () => {
    const result = classifyApiAnswer(
      'chat.postMessage',
      answered(200, '{"ok":false,"error":"not_in_channel"}'),
    );
    assert.deepEqual(result.kind === 'error' && result.outcome, {
      kind: 'failed',
      reason:
        'Slack refused chat.postMessage (not_in_channel): invite the bot to the channel (/invite @the-bot)',
    });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-21T23:00:00Z');
  const cases: Array<[string | string[] | undefined, number | undefined]> = [
    ['30', 30_000],
    [' 1 ', 1000],
    ['1.5', 1500],
    ['0', 0],
    [['7', '9'], 7000],
    ['Sat, 21 Nov 2026 23:00:20 GMT', 20_000],
    ['Sat, 21 Nov 2026 22:00:00 GMT', 0],
    ['soon', undefined],
    ['-3', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  for (const [header, expected] of cases) {
    it(`${JSON.stringify(header)} -> ${expected}`, () =>
      assert.equal(parseRetryAfter(header, now), expected));
  }
});

const WEBHOOK = 'https://hooks.slack.com/services/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';
const TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx';

/** The secret, and the parts of it that would leak it on their own. */
const WEBHOOK_PARTS = [WEBHOOK, 's3cr3tW3bh00kT0k3nXyZ123', '/services/T0123ABCD/B0456EFGH'];

function assertNoSecret(text: string, parts: readonly string[]): void {
  for (const part of parts) assert.ok(!text.includes(part), `leaks ${part}: ${text}`);
}

function webhookAgent(reply: (scope: ReturnType<MockAgent['get']>) => void): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  reply(agent.get('https://hooks.slack.com'));
  return agent;
}

const notification = () => {
  const event = sampleEvent('FAILOVER_COMPLETED');
  return { event, context: sampleContext(event) };
};

describe('secrets', () => {
  it('redacts a webhook URL in every form, and tokens', () => {
    const texts = [
      `failed to POST ${WEBHOOK}`,
      `path /services/T0123ABCD/B0456EFGH/s3cr3tW3bh00kT0k3nXyZ123 refused`,
      `encoded ${encodeURIComponent(WEBHOOK)}`,
      `just s3cr3tW3bh00kT0k3nXyZ123`,
    ];
    for (const text of texts) assertNoSecret(redact(text, [WEBHOOK]), WEBHOOK_PARTS);
    assertNoSecret(redact(`Bearer ${TOKEN}`, [TOKEN]), [TOKEN]);
    assertNoSecret(redact('another xoxb-999-888-zzz token', []), ['xoxb-999-888-zzz']);
    assertNoSecret(redact('https://hooks.slack.com/services/T1/B2/other', []), ['/services/T1/B2/other']);
  });

  it('keeps the webhook URL out of an error undici throws with the URL in its message', async () => {
    const agent = webhookAgent((scope) =>
      scope.intercept({ path: /\/services\//, method: 'POST' }).replyWithError(
        Object.assign(new Error(`connect ECONNRESET while posting to ${WEBHOOK}`), {
          code: 'ECONNRESET',
          cause: new Error(`socket for ${new URL(WEBHOOK).pathname} hung up`),
        }),
      ),
    );
    const notifier = new SlackWebhookNotifier({
      channel: 'oncall-slack',
      webhookUrl: WEBHOOK,
      dispatcher: agent,
    });
    const outcome = await notifier.send(notification(), new AbortController().signal);
    assert.equal(outcome.kind, 'retry');
    assert.ok(
      outcome.kind === 'retry' && outcome.reason.startsWith('Slack webhook not reachable (ECONNRESET)'),
    );
    assertNoSecret(JSON.stringify(outcome), WEBHOOK_PARTS);
    await agent.close();
  });

  it('keeps the webhook URL out of a reason when Slack quotes it in its answer', async () => {
    const agent = webhookAgent((scope) =>
      scope.intercept({ path: /\/services\//, method: 'POST' }).reply(404, `no_service for ${WEBHOOK}`),
    );
    const notifier = new SlackWebhookNotifier({
      channel: 'oncall-slack',
      webhookUrl: WEBHOOK,
      dispatcher: agent,
    });
    const outcome = await notifier.send(notification(), new AbortController().signal);
    assert.equal(outcome.kind, 'failed');
    assertNoSecret(JSON.stringify(outcome), WEBHOOK_PARTS);
    await agent.close();
  });

  it('never shows the webhook URL in an inspected or serialised notifier, nor in a constructor error', () => {
    const notifier = new SlackWebhookNotifier({
      channel: 'oncall-slack',
      webhookUrl: WEBHOOK,
      dispatcher: new MockAgent(),
    });
    assertNoSecret(inspect(notifier, { depth: 5, showHidden: true }), WEBHOOK_PARTS);
    assertNoSecret(JSON.stringify(notifier), WEBHOOK_PARTS);
    assertNoSecret(JSON.stringify(Object.entries(notifier)), WEBHOOK_PARTS);
    assert.equal(notifier.channel, 'oncall-slack');
    const notUrl = 'hooks.slack.com/services/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';
    assert.throws(
      () =>
        new SlackWebhookNotifier({
          channel: 'oncall-slack',
          webhookUrl: notUrl,
          dispatcher: new MockAgent(),
        }),
      (error: Error) => {
        assert.match(error.message, /Slack channel oncall-slack: the webhook URL is not an http\(s\) URL/);
        assertNoSecret(error.message, WEBHOOK_PARTS);
        return true;
      },
    );
  });

  it('never shows the bot token, in an inspected notifier or in a reason', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://slack.com')
      .intercept({ path: '/api/chat.postMessage', method: 'POST' })
      .replyWithError(new Error(`request with authorization Bearer ${TOKEN} failed`));
    const notifier = new SlackBotNotifier({
      channel: 'oncall',
      token: TOKEN,
      channelId: 'C0123456789',
      dispatcher: agent,
    });
    assertNoSecret(inspect(notifier, { depth: 5, showHidden: true }), [TOKEN]);
    assertNoSecret(JSON.stringify(notifier), [TOKEN]);
    const outcome = await notifier.send(notification(), new AbortController().signal);
    assert.equal(outcome.kind, 'retry');
    assertNoSecret(JSON.stringify(outcome), [TOKEN, 'AbCdEfGhIjKlMnOpQrStUvWx']);
    await agent.close();
  });

  it('refuses an empty token or a channel name where a channel id belongs', () => {
    const dispatcher = new MockAgent();
    assert.throws(
      () => new SlackBotNotifier({ channel: 'x', token: ' ', channelId: 'C0123', dispatcher }),
      /token is empty/,
    );
    assert.throws(
      () => new SlackBotNotifier({ channel: 'x', token: TOKEN, channelId: '#oncall', dispatcher }),
      /channelId must be a Slack channel id/,
    );
  });
});
