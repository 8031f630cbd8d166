import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  describeEvent,
  formatDuration,
  formatTime,
  headline,
  oneLineText,
  operatorSteps,
  plainTextMessage,
} from '../../../shared/events/present.ts';
import { EVENT_TYPES, type MonitorEvent } from '../../../shared/events/types.ts';
import type { NotificationContext } from '../../../shared/notify/notifier.ts';
import {
  escapeSlack,
  renderSlackAcknowledgedParent,
  renderSlackMessage,
  renderSlackResolvedParent,
  type SlackMessage,
  slackLink,
} from '../../../shared/notify/slack/index.ts';
import { looseEvent } from '../../support/loose-event.ts';
import { heldBack, sampleContext, sampleEvent } from '../../support/notify-events.ts';

/** Every string of a message that Slack will parse. */
function textsOf(message: SlackMessage): string[] {
  const texts: string[] = [message.text];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'text' && typeof inner === 'string') texts.push(inner);
        else walk(inner);
      }
    }
  };
  walk(message.blocks);
  return texts;
}

/** The control sequences the renderer itself builds: links to http(s) URLs and dates. */
const OWN_SYNTAX = [
  /<https?:\/\/[^\s<>|]+\|[^<>|]*>/g,
  /<!date\^\d+\^\{date_short_pretty\} at \{time_secs\}\|[^<>|]*>/g,
];

/** Fails when a text holds a raw `<`, `>` or an `&` that is not one of the three entities. */
function assertEscaped(text: string): void {
  let rest = text;
  for (const pattern of OWN_SYNTAX) rest = rest.replace(pattern, '');
  assert.ok(!/[<>]/.test(rest), `raw < or > in ${JSON.stringify(text)}`);
  assert.ok(!/&(?!amp;|lt;|gt;)/.test(rest), `bare & in ${JSON.stringify(text)}`);
}

function assertWithinLimits(message: SlackMessage): void {
  assert.ok(message.blocks.length <= 50);
  for (const block of message.blocks) {
    if ('text' in block) assert.ok(block.text.text.length <= 3000, 'section text over 3000');
    if ('fields' in block) {
      assert.ok(block.fields.length <= 10);
      for (const field of block.fields) assert.ok(field.text.length <= 2000, 'field over 2000');
    }
    if (block.type === 'context')
      for (const element of block.elements) assert.ok(element.text.length <= 3000);
    if (block.type === 'actions') for (const button of block.elements) assert.ok(button.value.length <= 2000);
  }
  assert.ok(message.text.length <= 3100);
}

const HOSTILE = [
  '<!channel>',
  '<https://evil.example|click>',
  '&amp;',
  '<@U024BE7LH>',
  '<!here|here>',
  '&lt;b&gt;',
];

function hostileEvent(base: MonitorEvent, hostile: string): MonitorEvent {
  return looseEvent({
    ...base,
    cluster: `prod${hostile}`,
    summary: `Master ${hostile} is gone ${hostile}`,
    incidentKey: `prod/master/${hostile}`,
    facts: {
      from: { address: `a${hostile}`, fabricPort: 45678 },
      to: { address: `b${hostile}`, fabricPort: 45678 },
      master: { address: hostile },
      previous: { address: hostile },
      outageMs: 1000,
      address: hostile,
      by: hostile,
      reason: hostile,
      windowId: hostile,
      owner: hostile,
      channel: hostile,
      addresses: [hostile],
      problems: [{ kind: hostile, where: hostile }],
      servers: [{ server: hostile, state: hostile }],
      openIncidents: [hostile],
      maintenance: { windowId: hostile, owner: hostile, until: hostile },
    },
    steps: [`Restart ${hostile}`],
    suppressed: true,
  });
}

describe('Slack rendering', () => {
  it('renders every event type with its emoji, headline, time, incident and fallback text', () => {
    for (const type of EVENT_TYPES) {
      const event = sampleEvent(type);
      const message = renderSlackMessage(event, sampleContext(event));
      const first = message.blocks[0];
      assert.ok(first && 'text' in first);
      const emoji = event.incidentAction === 'resolve' ? ':white_check_mark:' : undefined;
      if (emoji) assert.ok(first.text.text.startsWith(emoji), type);
      assert.match(first.text.text, /\*[A-Z]+ · prod · /, type);
      assert.ok(message.text.includes('prod'), type);
      const all = textsOf(message).join('\n');
      assert.ok(all.includes('<!date^'), `${type}: no time`);
      assert.ok(all.includes(event.incidentKey), `${type}: no incident key`);
      assert.ok(all.includes('<https://wiki.corp/dremio/failover|Runbook>'), `${type}: no runbook link`);
      for (const text of textsOf(message)) assertEscaped(text);
      assertWithinLimits(message);
    }
  });

  it('uses the severity emoji while an incident is live, the check mark when it resolves', () => {
    const cases: Array<[MonitorEvent['severity'], MonitorEvent['incidentAction'], string]> = [
      ['critical', 'open', ':red_circle:'],
      ['warning', 'open', ':large_orange_circle:'],
      ['info', 'notice', ':large_blue_circle:'],
      ['critical', 'remind', ':red_circle:'],
      ['critical', 'resolve', ':white_check_mark:'],
      ['info', 'resolve', ':white_check_mark:'],
    ];
    for (const [severity, incidentAction, emoji] of cases) {
      const event = { ...sampleEvent('MASTER_DOWN'), severity, incidentAction };
      const message = renderSlackMessage(event);
      assert.ok(message.text.startsWith(emoji), `${severity}/${incidentAction}`);
      const first = message.blocks[0];
      assert.ok(first && 'text' in first && first.text.text.startsWith(emoji));
    }
  });

  it('shows a failover as old -> new master with the outage and the operator steps', () => {
    const event = sampleEvent('FAILOVER_COMPLETED');
    const all = textsOf(renderSlackMessage(event, sampleContext(event))).join('\n');
    assert.ok(all.includes('Failover completed: coord-a.corp -&gt; coord-b.corp'));
    assert.ok(all.includes('*Outage*\nup to 2 min 5 s'));
    assert.ok(all.includes('*Old master*\ncoord-a.corp (fabric 45678)'));
    assert.ok(all.includes('*New master*\ncoord-b.corp (fabric 45678)'));
    assert.ok(all.includes('1. Restart the queries that were running'));
    assert.ok(
      all.includes('2. Restart Dremio on coord-a.corp (the failed master) so it rejoins as a standby'),
    );
    assert.ok(all.includes('<http://coord-b.corp:9047/|Dremio UI>'));
  });

  it('says the monitor restarts the failed master when remediation is enabled', () => {
    const event = sampleEvent('FAILOVER_COMPLETED');
    const steps = operatorSteps(event, { remediationEnabled: true });
    assert.equal(steps.length, 3);
    assert.match(steps[0] ?? '', /^Restart the queries that were running/);
    assert.match(
      steps[1] ?? '',
      /^The monitor will restart Dremio on coord-a\.corp \(remediation is enabled\)/,
    );
    assert.ok(!steps.some((step) => step.includes('Dremio does not restart it')));
    const manual = operatorSteps(event, { remediationEnabled: false });
    assert.match(manual[1] ?? '', /Restart Dremio on coord-a\.corp .*Dremio does not restart it/);
  });

  it('reads a reminder as a reminder, with how to acknowledge it', () => {
    const event = sampleEvent('INCIDENT_REMINDER');
    const message = renderSlackMessage(event, sampleContext(event));
    assert.ok(
      message.text.startsWith(':red_circle: REMINDER prod: Still open after 30 min: master incident'),
    );
    const all = textsOf(message).join('\n');
    assert.ok(all.includes('*Severity*\ncritical'));
    assert.ok(
      all.includes(`dremio-ha-monitor ack ${event.incidentKey} --by &lt;name&gt; --reason &lt;text&gt;`),
    );
    assert.ok(all.includes('Reminds of incident'));
  });

  it('reads a resolve as resolved, whatever the severity', () => {
    const event = sampleEvent('MASTER_RETURNED');
    const message = renderSlackMessage(event);
    assert.ok(message.text.startsWith(':white_check_mark: RESOLVED prod: Master coord-a.corp back'));
    assert.ok(textsOf(message).join('\n').includes('Resolves incident'));
  });

  it('says why a message is held back', () => {
    const event = heldBack(sampleEvent('COORDINATOR_DOWN'));
    const all = textsOf(renderSlackMessage(event)).join('\n');
    assert.ok(
      all.includes('_Held back by maintenance window upgrade-25.2 (bob) until 2026-11-22 01:00:00 UTC'),
    );
  });

  it('leaves out links it has no valid URL for', () => {
    const event = sampleEvent('MASTER_DOWN');
    for (const context of [{}, { runbookUrl: 'javascript:alert(1)' }, { runbookUrl: 'not a url' }]) {
      const all = textsOf(renderSlackMessage(event, context)).join('\n');
      assert.ok(!all.includes('Runbook'), JSON.stringify(context));
    }
  });

  it('turns the first message into a resolved banner for chat.update', () => {
    const event = sampleEvent('FAILOVER_COMPLETED');
    const threadTs = String(Date.parse('2026-11-21T23:00:30Z') / 1000);
    const message = renderSlackResolvedParent(event, `${threadTs}.000100`);
    const all = textsOf(message).join('\n');
    assert.ok(all.startsWith(':white_check_mark: RESOLVED prod: master incident'));
    assert.ok(all.includes(':white_check_mark: *RESOLVED · prod · Master incident*'));
    assert.ok(all.includes('*Open for*\n2 min 15 s'));
    assert.ok(all.includes('*Resolved by*\nFAILOVER_COMPLETED'));
    for (const text of textsOf(message)) assertEscaped(text);
  });
});

describe('Slack escaping', () => {
  it('escapes &, < and > and nothing else', () => {
    assert.equal(escapeSlack('a & b <c> *d* _e_'), 'a &amp; b &lt;c&gt; *d* _e_');
    assert.equal(escapeSlack('&amp;'), '&amp;amp;');
  });

  for (const hostile of HOSTILE) {
    it(`neutralises ${hostile} in every string that came from the cluster or config`, () => {
      for (const type of EVENT_TYPES) {
        const event = hostileEvent(sampleEvent(type), hostile);
        const context: NotificationContext = {
          runbookUrl: `https://wiki.corp/run?x=${hostile}`,
          masterWebUrl: 'http://coord-b.corp:9047',
        };
        const message = renderSlackMessage(event, context);
        assert.ok(
          textsOf(message)
            .join('\n')
            .includes(`Master ${escapeSlack(hostile)} is gone`),
          type,
        );
        for (const text of textsOf(message)) {
          assertEscaped(text);
          assert.ok(!text.includes(hostile) || !/[<>]/.test(hostile), `${type}: ${hostile} verbatim`);
        }
        for (const text of textsOf(renderSlackResolvedParent(event, '1795302030.000100')))
          assertEscaped(text);
      }
    });
  }

  it('keeps its own links working and their URLs unable to break out', () => {
    assert.equal(
      slackLink('https://wiki.corp/a?b=1&c=2', 'Runbook'),
      '<https://wiki.corp/a?b=1&amp;c=2|Runbook>',
    );
    assert.equal(
      slackLink('https://evil.example/x|<!channel>', 'Run <book>'),
      '<https://evil.example/x%7C%3C!channel%3E|Run &lt;book&gt;>',
    );
  });

  it('renders any event without throwing, escaped and within Slack limits (property)', () => {
    const hostileString = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.constantFrom(...HOSTILE, '&', '<', '>', '|', '*', '`', '\u0000', '\uD800'),
      fc.string({ unit: fc.constantFrom('&', '<', '>', 'a', '|', ' ', '!'), maxLength: 3000 }),
    );
    const facts = fc.dictionary(
      fc.constantFrom(
        'from',
        'to',
        'master',
        'previous',
        'address',
        'answer',
        'servers',
        'problems',
        'outageMs',
        'by',
        'reason',
        'openIncidents',
        'maintenance',
        'flapping',
        'changes',
        'since',
        'count',
        'minimum',
        'observedGap',
        'channel',
      ),
      fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        hostileString,
        fc.record({ address: hostileString, fabricPort: fc.integer() }),
        fc.array(
          fc.record({
            server: hostileString,
            state: hostileString,
            kind: hostileString,
            where: hostileString,
          }),
        ),
      ),
    );
    const event: fc.Arbitrary<MonitorEvent> = fc
      .record({
        id: hostileString,
        cluster: hostileString,
        type: fc.constantFrom(...EVENT_TYPES),
        severity: fc.constantFrom('info', 'warning', 'critical'),
        at: fc.oneof(
          hostileString,
          fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        ),
        incidentKey: hostileString,
        summary: fc.oneof(hostileString, fc.string({ maxLength: 1000 })),
        facts,
        steps: fc.option(fc.array(hostileString, { maxLength: 8 }), { nil: undefined }),
        suppressed: fc.option(fc.boolean(), { nil: undefined }),
        incidentAction: fc.option(
          fc.constantFrom('open', 'update', 'remind', 'acknowledge', 'resolve', 'notice'),
          {
            nil: undefined,
          },
        ),
      })
      .map(looseEvent);
    const context: fc.Arbitrary<NotificationContext> = fc.record(
      {
        runbookUrl: fc.oneof(
          hostileString,
          fc.webUrl().map((url) => `${url}?q=<!channel>|&x`),
        ),
        masterWebUrl: fc.oneof(hostileString, fc.webUrl()),
        remediationEnabled: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(event, context, (e, c) => {
        const message = renderSlackMessage(e, c);
        for (const text of textsOf(message)) assertEscaped(text);
        assertWithinLimits(message);
        for (const text of textsOf(renderSlackResolvedParent(e, '1795302030.000100'))) assertEscaped(text);
        plainTextMessage(e, c);
      }),
      { numRuns: 300 },
    );
  });
});

describe('shared notification text', () => {
  it('makes an ASCII headline and one line', () => {
    const event = sampleEvent('FAILOVER_COMPLETED');
    assert.equal(headline(event), '[RESOLVED] prod: Failover completed: coord-a.corp -> coord-b.corp');
    assert.equal(headline(sampleEvent('MASTER_DOWN')), '[CRITICAL] prod: No master registered');
    assert.equal(
      headline(sampleEvent('INCIDENT_ACKNOWLEDGED')),
      '[ACKNOWLEDGED] prod: alice took the master incident',
    );
    for (const type of EVENT_TYPES) {
      const line = oneLineText(sampleEvent(type));
      assert.ok(!line.includes('\n'));
      assert.match(headline(sampleEvent(type)), /^[\x20-\x7e]+$/, type);
    }
  });

  it('formats durations and times', () => {
    assert.equal(formatDuration(125_000), '2 min 5 s');
    assert.equal(formatDuration(950), '950 ms');
    assert.equal(formatTime('2026-11-21T23:05:12.345Z'), '2026-11-21 23:05:12 UTC');
    assert.equal(formatTime('soon'), 'soon');
  });

  it('describes an event with odd facts without throwing', () => {
    for (const type of EVENT_TYPES) {
      for (const facts of [{}, { from: 'x', to: 3, servers: 'no', changes: {}, masters: null }]) {
        const view = describeEvent(looseEvent({ ...sampleEvent(type), facts }));
        assert.ok(view.title.length > 0, type);
      }
    }
  });

  it('writes the whole message as plain text', () => {
    const event = sampleEvent('MASTER_DOWN');
    const text = plainTextMessage(event, sampleContext(event));
    assert.ok(text.startsWith('[CRITICAL] prod: No master registered\n'));
    assert.ok(text.includes('\nDown for: 12 s\n'));
    assert.ok(text.includes('\nWhat to do:\n1. Queries fail until a master registers'));
    assert.ok(text.includes('\nRunbook: https://wiki.corp/dremio/failover\n'));
  });
});

describe('the Acknowledge button and the acknowledged first message', () => {
  const buttonsOf = (message: SlackMessage) =>
    message.blocks.flatMap((block) => (block.type === 'actions' ? block.elements : []));

  it('is on a message that opens or updates an incident, carrying the incident key, only when asked', () => {
    for (const type of EVENT_TYPES) {
      const event = sampleEvent(type);
      const opensOrUpdates = event.incidentAction === 'open' || event.incidentAction === 'update';
      const buttons = buttonsOf(renderSlackMessage(event, {}, { acknowledgeButton: true }));
      assert.deepEqual(
        buttons.map((button) => [button.action_id, button.value]),
        opensOrUpdates ? [['acknowledge', event.incidentKey]] : [],
        type,
      );
      assert.deepEqual(buttonsOf(renderSlackMessage(event)), [], `${type}: no button by default`);
    }
  });

  it('the first message, once acknowledged, says who and when, and has no button', () => {
    const message = renderSlackAcknowledgedParent(sampleEvent('INCIDENT_ACKNOWLEDGED'));
    const text = JSON.stringify(message.blocks);
    assert.match(message.text, /ACKNOWLEDGED by alice prod/);
    assert.match(text, /\*Acknowledged by\*\\nalice/);
    assert.match(text, /restarting coord-a/);
    assert.deepEqual(buttonsOf(message), []);
    assertWithinLimits(message);
  });
});
