import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AcknowledgeClick } from '../../../shared/interact/slack-action.ts';
import { readAcknowledgeClick } from '../../../shared/interact/slack-action.ts';
import {
  type AcknowledgeOutcome,
  handleSlackInteraction,
  type InboundRequest,
} from '../../../shared/interact/slack-interactions.ts';
import { slackSignature, verifySlackRequest } from '../../../shared/interact/slack-signature.ts';
import { storeReplayGuard } from '../../../shared/record/replay-guard.ts';
import { MemoryStore } from '../../support/memory-store.ts';
import { clickBody, SIGNING_SECRET, signedHeaders } from '../../support/slack-click.ts';

const NOW = Date.parse('2026-11-21T23:10:00Z');
const KEY = 'prod/master/01KAQ801M3XJ5V7W9YBCDEFGHJ';

describe("Slack's request signature (v0)", () => {
  it("matches the example in Slack's documentation (api.slack.com/authentication/verifying-requests-from-slack)", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const signature = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    assert.equal(slackSignature(secret, '1531420618', body), signature);
    assert.deepEqual(verifySlackRequest(secret, '1531420618', signature, body, 1531420618_000 + 60_000), {
      ok: true,
    });
  });

  const body = clickBody(KEY);
  const timestamp = String(NOW / 1000);
  const good = slackSignature(SIGNING_SECRET, timestamp, body);
  const cases: ReadonlyArray<[string, string | undefined, string | undefined, string, number, string]> = [
    ['valid', timestamp, good, body, NOW, 'ok'],
    ['no signature', timestamp, undefined, body, NOW, 'missing'],
    ['no timestamp', undefined, good, body, NOW, 'missing'],
    ['a signature that is not v0 hex', timestamp, 'v1=abc', body, NOW, 'malformed'],
    ['a timestamp in ms', String(NOW), good, body, NOW, 'malformed'],
    ['5 min 1 s old', timestamp, good, body, NOW + 301_000, 'too-old'],
    ['exactly 5 min old', timestamp, good, body, NOW + 300_000, 'ok'],
    ['6 min ahead of our clock', timestamp, good, body, NOW - 360_000, 'in-the-future'],
    ['another body', timestamp, good, clickBody(`${KEY}x`), NOW, 'mismatch'],
    ['another secret', timestamp, slackSignature('another-secret', timestamp, body), body, NOW, 'mismatch'],
  ];
  for (const [name, ts, signature, text, now, expected] of cases) {
    it(`${name} -> ${expected}`, () => {
      const verified = verifySlackRequest(SIGNING_SECRET, ts, signature, text, now);
      assert.equal(verified.ok ? 'ok' : verified.reason, expected);
    });
  }

  it('accepts what it signed and refuses any change of one character', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.nat(),
        fc.integer({ min: 0, max: 299 }),
        (text, at, skew) => {
          const ts = String(1_600_000_000 + (at % 100_000_000));
          const signature = slackSignature(SIGNING_SECRET, ts, text);
          const now = Number(ts) * 1000 + skew * 1000;
          assert.equal(verifySlackRequest(SIGNING_SECRET, ts, signature, text, now).ok, true);
          const index = at % text.length;
          const changed = `${text.slice(0, index)}${text[index] === 'a' ? 'b' : 'a'}${text.slice(index + 1)}`;
          assert.equal(verifySlackRequest(SIGNING_SECRET, ts, signature, changed, now).ok, false);
        },
      ),
    );
  });
});

describe('the acknowledge click in a payload', () => {
  it('reads the incident key and who clicked', () => {
    assert.deepEqual(readAcknowledgeClick(clickBody(KEY)), {
      ok: true,
      click: {
        incidentKey: KEY,
        by: '@alice (U0ALICE42)',
        userId: 'U0ALICE42',
        responseUrl: 'https://hooks.slack.com/actions/T0TEAM/1/abc',
      },
    });
  });

  const malformed: ReadonlyArray<[string, string, RegExp]> = [
    ['no payload field', 'token=x', /no payload field/],
    ['a payload that is not JSON', 'payload=%7Bnot-json', /not JSON/],
    [
      'another interaction type',
      new URLSearchParams({ payload: '{"type":"view_submission"}' }).toString(),
      /payload\.type/,
    ],
    ['no user id', clickBody(KEY).replace(/U0ALICE42/, 'alice'), /payload\.user\.id/],
    ['an action of another id', clickBody(KEY).replace('acknowledge', 'restart'), /no acknowledge action/],
    ['a value that is no incident key', clickBody('../../etc/passwd'), /does not carry an incident key/],
    [
      'an overlong key',
      clickBody(`prod/master/${'x'.repeat(300)}`),
      /(does not carry an incident key|value)/,
    ],
  ];
  for (const [name, body, problem] of malformed) {
    it(`refuses ${name}`, () => {
      const reading = readAcknowledgeClick(body);
      assert.equal(reading.ok, false);
      if (!reading.ok) assert.match(reading.problem, problem);
    });
  }

  it('keeps only safe characters of a username in the audit log', () => {
    const reading = readAcknowledgeClick(clickBody(KEY, { username: 'eve<!channel>\n' }));
    assert.equal(reading.ok && reading.click.by, '@evechannel (U0ALICE42)');
  });
});

describe('handleSlackInteraction: authenticated first, then read, then recorded', () => {
  function harness(outcome: AcknowledgeOutcome = { kind: 'acknowledged' }) {
    const store = new MemoryStore();
    const acknowledged: AcknowledgeClick[] = [];
    const replies: string[] = [];
    const logged: Array<{ status: number; reason: string }> = [];
    const handle = (request: Partial<InboundRequest> & { body: string }, now = NOW) =>
      handleSlackInteraction(
        { method: 'POST', headers: {}, ...request },
        {
          signingSecrets: ['an-older-app-secret', SIGNING_SECRET],
          now: () => now,
          firstSeen: storeReplayGuard(store),
          acknowledge: async (click) => {
            acknowledged.push(click);
            return outcome;
          },
          reply: async (_click, text) => {
            replies.push(text);
          },
          log: (entry) => logged.push(entry),
        },
      );
    return { handle, acknowledged, replies, logged };
  }
  const signed = (body: string, at = NOW, secret = SIGNING_SECRET) => ({
    body,
    headers: signedHeaders(body, at, secret),
  });

  it('a valid click acknowledges once, and answers 200', async () => {
    const { handle, acknowledged } = harness();
    const response = await handle(signed(clickBody(KEY)));
    assert.equal(response.status, 200);
    assert.deepEqual(
      acknowledged.map((click) => [click.incidentKey, click.by]),
      [[KEY, '@alice (U0ALICE42)']],
    );
  });

  it('a second click says it is already acknowledged, to the one who clicked', async () => {
    const { handle, replies } = harness({
      kind: 'already-acknowledged',
      by: '@alice (U0ALICE42)',
      at: NOW - 60_000,
    });
    const response = await handle(signed(clickBody(KEY), NOW + 1000));
    assert.equal(response.status, 200);
    assert.deepEqual(replies, [
      `Already acknowledged by @alice (U0ALICE42) at 2026-11-21T23:09:00.000Z: ${KEY}`,
    ]);
  });

  const refusals: ReadonlyArray<
    [string, (h: ReturnType<typeof harness>) => Promise<{ status: number }>, number, RegExp]
  > = [
    [
      'a wrong signature',
      (h) => h.handle(signed(clickBody(KEY), NOW, 'not-the-secret')),
      401,
      /invalid signature \(mismatch\)/,
    ],
    ['no signature at all', (h) => h.handle({ body: clickBody(KEY) }), 401, /invalid signature \(missing\)/],
    [
      'an old timestamp',
      (h) => h.handle(signed(clickBody(KEY), NOW - 301_000)),
      401,
      /stale request: its timestamp is too old/,
    ],
    [
      'a replayed body',
      async (h) => {
        const request = signed(clickBody(KEY));
        assert.equal((await h.handle(request)).status, 200);
        h.acknowledged.length = 0;
        return h.handle(request, NOW + 5000);
      },
      409,
      /replayed request/,
    ],
    [
      'a malformed payload',
      (h) => h.handle(signed('payload=%7Bnot-json')),
      400,
      /malformed interaction: payload is not JSON/,
    ],
    ['a GET', (h) => h.handle({ ...signed(clickBody(KEY)), method: 'GET' }), 405, /only POST/],
    ['a body of 100 KB', (h) => h.handle(signed(`payload=${'x'.repeat(100_000)}`)), 413, /too large/],
  ];
  for (const [name, send, status, reason] of refusals) {
    it(`refuses ${name} with ${status}, recording nothing`, async () => {
      const h = harness();
      const response = await send(h);
      assert.equal(response.status, status);
      assert.deepEqual(h.acknowledged, [], 'nothing acknowledged');
      assert.match(h.logged.at(-1)?.reason ?? '', reason);
      assert.ok(!JSON.stringify(h.logged).includes(SIGNING_SECRET));
    });
  }

  it('an unknown incident is refused with 404, telling the one who clicked', async () => {
    const { handle, replies } = harness({ kind: 'unknown-incident' });
    const response = await handle(signed(clickBody('prod/master/01NOTANINCIDENT')));
    assert.equal(response.status, 404);
    assert.match(replies[0] ?? '', /No open incident prod\/master\/01NOTANINCIDENT/);
  });
});
