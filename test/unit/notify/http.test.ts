import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyAnswer, excerptOf, type HttpExchange } from '../../../shared/notify/http.ts';

const how = { service: 'PagerDuty', rejected: (status: number) => `fix the channel (${status})` };
const answered = (statusCode: number, body = '', retryAfterMs?: number): HttpExchange => ({
  kind: 'answered',
  statusCode,
  body,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

describe('classifyAnswer: what an HTTP notification service answered means', () => {
  const cases: Array<[string, HttpExchange, 'delivered' | 'retry' | 'failed', RegExp]> = [
    ['202 accepted', answered(202, '{"status":"success"}'), 'delivered', /.*/],
    ['200', answered(200), 'delivered', /.*/],
    ['429 with Retry-After', answered(429, 'slow down', 30_000), 'retry', /rate-limited.*wait 30 s/],
    ['429 without Retry-After', answered(429), 'retry', /rate-limited/],
    ['408', answered(408), 'retry', /its side failed/],
    ['500', answered(500, 'boom'), 'retry', /500 boom: its side failed/],
    ['503', answered(503), 'retry', /503/],
    [
      '400 a bad event',
      answered(400, '{"status":"invalid event"}'),
      'failed',
      /refused.*400.*fix the channel \(400\)/,
    ],
    ['404', answered(404), 'failed', /404/],
    ['301 redirect', answered(301), 'failed', /301/],
    ['1xx', answered(101), 'retry', /unexpected 101/],
    ['timeout', { kind: 'timeout', timeoutMs: 5000 }, 'retry', /did not answer within 5000 ms/],
    ['cancelled', { kind: 'cancelled', why: 'TimeoutError' }, 'retry', /cancelled.*TimeoutError/],
    [
      'network',
      { kind: 'failed', code: 'ECONNREFUSED', message: 'connect refused' },
      'retry',
      /ECONNREFUSED/,
    ],
  ];
  for (const [name, exchange, kind, reason] of cases) {
    it(`${name} -> ${kind}`, () => {
      const outcome = classifyAnswer(exchange, how);
      assert.equal(outcome.kind, kind);
      if (outcome.kind !== 'delivered') {
        assert.match(outcome.reason, reason);
        assert.match(outcome.reason, /^PagerDuty/);
      }
    });
  }

  it('passes the wait a 429 asked for to the retry loop', () => {
    assert.deepEqual(classifyAnswer(answered(429, '', 12_000), how), {
      kind: 'retry',
      reason: 'PagerDuty rate-limited the delivery (429); it asked to wait 12 s',
      afterMs: 12_000,
    });
  });

  it('keeps one line of a long body', () => {
    const excerpt = excerptOf(`line one\n${'x'.repeat(500)}`);
    assert.ok(!excerpt.includes('\n'));
    assert.equal(excerpt.length, 101);
    assert.ok(excerpt.endsWith('…'));
  });
});
