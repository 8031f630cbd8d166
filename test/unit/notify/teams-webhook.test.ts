import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { Agent } from 'undici';
import { EVENT_TYPES } from '../../../shared/events/types.ts';
import { renderTeamsMessage, TEAMS_MAX_BYTES, TeamsNotifier } from '../../../shared/notify/teams/index.ts';
import {
  signWebhook,
  verifyWebhook,
  WebhookNotifier,
  webhookEnvelope,
  webhookEnvelopeSchema,
} from '../../../shared/notify/webhook/index.ts';
import { looseEvent } from '../../support/loose-event.ts';
import { sampleContext, sampleEvent } from '../../support/notify-events.ts';
import { webhookJsonSchema } from '../../support/webhook-json-schema.ts';

const SECRET = 'whsec-test-0123456789abcdef';
const NOW = Date.parse('2026-11-21T23:00:00Z');

describe('the Teams card', () => {
  it('colours the card by how it reads: attention, warning, good', () => {
    const style = (type: Parameters<typeof sampleEvent>[0]) => {
      const card = renderTeamsMessage(sampleEvent(type)).attachments[0]?.content as {
        body: Array<{ style?: string }>;
      };
      return card.body[0]?.style;
    };
    assert.equal(style('MASTER_DOWN'), 'attention');
    assert.equal(style('COORDINATOR_DOWN'), 'warning');
    assert.equal(style('FAILOVER_COMPLETED'), 'good');
  });

  it('links the runbook and the Dremio UI as buttons', () => {
    const event = sampleEvent('MASTER_DOWN');
    const card = renderTeamsMessage(event, sampleContext(event)).attachments[0]?.content as {
      actions?: Array<{ type: string; title: string; url: string }>;
    };
    assert.deepEqual(
      card.actions?.map((action) => [action.type, action.title]),
      [
        ['Action.OpenUrl', 'Runbook'],
        ['Action.OpenUrl', 'Dremio UI'],
      ],
    );
  });

  it('stays under Teams size limit whatever the facts, summary and steps', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40_000 }),
        fc.array(fc.string({ maxLength: 5000 }), { maxLength: 20 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 30 }), fc.string({ maxLength: 5000 }), {
          maxKeys: 60,
        }),
        (summary, steps, extra) => {
          const base = sampleEvent('SPLIT_BRAIN_SUSPECTED');
          const event = looseEvent({ ...base, summary, steps, facts: { ...base.facts, ...extra } });
          const size = Buffer.byteLength(JSON.stringify(renderTeamsMessage(event, {})));
          assert.ok(size <= TEAMS_MAX_BYTES, `${size} bytes`);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('the webhook signature', () => {
  const body = JSON.stringify({ hello: 'world' });
  const header = signWebhook(SECRET, body, NOW);

  it('has the form t=<seconds>,v1=<hex>', () => {
    assert.match(header, /^t=\d{10},v1=[0-9a-f]{64}$/);
  });

  const cases: Array<[string, string | undefined, string, number, string]> = [
    ['a valid request', header, body, NOW + 1000, 'ok'],
    ['no header', undefined, body, NOW, 'missing'],
    ['a garbled header', 'sha256=abc', body, NOW, 'malformed'],
    ['a tampered body', header, body.replace('world', 'w0rld'), NOW, 'mismatch'],
    ['another secret', signWebhook('another-secret-0123456789', body, NOW), body, NOW, 'mismatch'],
    ['a request older than 5 minutes (a replay)', header, body, NOW + 301_000, 'too-old'],
    ['a timestamp from the future', header, body, NOW - 301_000, 'in-the-future'],
  ];
  for (const [name, value, received, now, expected] of cases) {
    it(`${name}: ${expected}`, () => {
      const result = verifyWebhook(SECRET, value, received, now);
      assert.equal(result.ok ? 'ok' : result.reason, expected);
    });
  }

  it('verifies whatever is signed, and refuses any one changed character', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 400 }), fc.nat(), (text, at) => {
        const signed = signWebhook(SECRET, text, NOW);
        assert.equal(verifyWebhook(SECRET, signed, text, NOW).ok, true);
        const index = at % text.length;
        const changed = `${text.slice(0, index)}${text[index] === 'x' ? 'y' : 'x'}${text.slice(index + 1)}`;
        assert.equal(verifyWebhook(SECRET, signed, changed, NOW).ok, false);
      }),
    );
  });
});

describe('the webhook envelope', () => {
  it('of every event type follows its published schema', () => {
    for (const type of EVENT_TYPES) {
      const event = sampleEvent(type);
      const parsed = webhookEnvelopeSchema.safeParse(
        JSON.parse(JSON.stringify(webhookEnvelope(event, sampleContext(event)))),
      );
      assert.ok(parsed.success, `${type}: ${parsed.error?.message}`);
    }
  });

  it('docs/webhook-event.schema.json is the committed output of scripts/write-json-schemas.ts', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../../docs/webhook-event.schema.json', import.meta.url), 'utf8'),
    );
    assert.deepEqual(
      committed,
      JSON.parse(JSON.stringify(webhookJsonSchema())),
      'docs/webhook-event.schema.json is out of date: run node --import tsx scripts/write-json-schemas.ts',
    );
  });
});

describe('the endpoints a notifier accepts (the same rule as the configuration)', () => {
  const dispatcher = new Agent();
  after(() => dispatcher.close());
  const cases: ReadonlyArray<[string, boolean]> = [
    ['https://prod.westeurope.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=abc', true],
    ['http://127.0.0.1:8080/hook', true],
    ['http://hooks.corp/hook', false],
    ['https://user:pass@hooks.corp/hook', false],
    ['not a url', false],
  ];
  for (const [url, accepted] of cases) {
    it(`${url} -> ${accepted ? 'accepted' : 'refused, naming the channel'}`, () => {
      const make = [
        () => new TeamsNotifier({ channel: 'teams', webhookUrl: url, dispatcher }),
        () => new WebhookNotifier({ channel: 'hook', url, signingSecret: SECRET, dispatcher }),
      ];
      for (const build of make) {
        if (accepted) assert.doesNotThrow(build);
        else assert.throws(build, /(Teams channel teams|webhook channel hook): /);
      }
    });
  }
});
