import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { describeEvent } from '../../../shared/events/present.ts';
import { EVENT_TYPES, type EventType } from '../../../shared/events/types.ts';
import type { Notification } from '../../../shared/notify/notifier.ts';
import {
  buildPublishInput,
  isValidSubject,
  MAX_MESSAGE_BYTES,
  SMS_MAX_LENGTH,
  type SnsEventMessage,
  type SnsMessageForms,
  SUBJECT_MAX_LENGTH,
  sanitizeSubject,
} from '../../../shared/notify/sns/index.ts';
import { type LooseEvent, looseEvent } from '../../support/loose-event.ts';
import { heldBack, sampleEvent, sampleNotification } from '../../support/notify-events.ts';

const SAMPLES = Object.fromEntries(EVENT_TYPES.map((type) => [type, sampleNotification(type)])) as Record<
  EventType,
  Notification
>;

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:dremio-ha-alerts';
const FIFO_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:dremio-ha-alerts.fifo';

function sample(type: EventType): Notification {
  const notification = SAMPLES[type];
  assert.ok(notification, `no sample notification for ${type}`);
  return notification;
}

function formsOf(notification: Notification, topic = TOPIC): SnsMessageForms {
  const input = buildPublishInput(notification, topic);
  assert.ok(input.Message);
  return JSON.parse(input.Message) as SnsMessageForms;
}

function withEvent(type: EventType, changes: Partial<LooseEvent>): Notification {
  const notification = sample(type);
  return { ...notification, event: looseEvent({ ...notification.event, ...changes }) };
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

describe('SNS message building', () => {
  it('has a sample notification for every event type', () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), [...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) assert.equal(sample(type).event.type, type);
  });

  for (const type of EVENT_TYPES) {
    describe(type, () => {
      const notification = sample(type);
      const { event, context } = notification;
      const input = buildPublishInput(notification, TOPIC);
      const forms = formsOf(notification);

      it('publishes a json message structure to the topic, with a valid subject', () => {
        assert.equal(input.TopicArn, TOPIC);
        assert.equal(input.MessageStructure, 'json');
        assert.ok(input.Subject && isValidSubject(input.Subject), input.Subject);
        assert.match(input.Subject, /^\[(CRITICAL|WARNING|INFO|RESOLVED|REMINDER|ACKNOWLEDGED)\] prod: /);
        assert.equal(input.MessageGroupId, undefined);
        assert.equal(input.MessageDeduplicationId, undefined);
        assert.deepEqual(Object.keys(forms).sort(), ['default', 'email', 'https', 'lambda', 'sms', 'sqs']);
        for (const value of Object.values(forms)) assert.equal(typeof value, 'string');
      });

      it('sends the documented JSON to default, sqs, lambda and https', () => {
        const expected: SnsEventMessage = { version: 1, event, context };
        assert.deepEqual(JSON.parse(forms.default), expected);
        assert.equal(forms.sqs, forms.default);
        assert.equal(forms.lambda, forms.default);
        assert.equal(forms.https, forms.default);
      });

      it('sends one short ASCII line to SMS', () => {
        assert.ok(forms.sms.length <= SMS_MAX_LENGTH, forms.sms);
        assert.match(forms.sms, PRINTABLE_ASCII);
        assert.ok(forms.sms.includes(event.cluster));
      });

      it('writes an email with the headline, cluster, time, incident, steps and runbook', () => {
        const lines = forms.email.split('\n');
        assert.match(lines[0] ?? '', new RegExp(`^\\[[A-Z]+\\] ${event.cluster}: .+`));
        assert.ok(lines.includes(event.summary));
        assert.ok(lines.includes(`Cluster:     ${event.cluster}`), forms.email);
        assert.ok(lines.includes(`When:        ${event.at}`), forms.email);
        assert.ok(lines.some((line) => line.startsWith('Incident:') && line.includes(event.incidentKey)));
        for (const [index, step] of describeEvent(event, context).steps.entries()) {
          assert.ok(lines.includes(`${index + 1}. ${step}`), step);
        }
        if (context.runbookUrl) assert.ok(lines.includes(`Runbook: ${context.runbookUrl}`));
        assert.ok(forms.email.includes(event.id));
      });

      it('sets the attributes subscribers filter on', () => {
        assert.deepEqual(input.MessageAttributes, {
          cluster: { DataType: 'String', StringValue: event.cluster },
          eventType: { DataType: 'String', StringValue: type },
          severity: { DataType: 'String', StringValue: event.severity },
          ...(event.incidentAction
            ? { incidentAction: { DataType: 'String', StringValue: event.incidentAction } }
            : {}),
        });
      });
    });
  }

  it('names the old and the new master of a failover, the outage, the master UI and who restarts it', () => {
    const { email, sms } = formsOf(sample('FAILOVER_COMPLETED'));
    assert.match(email, /^Old master: {2}coord-a\.corp \(fabric 45678\)$/m);
    assert.match(email, /^New master: {2}coord-b\.corp \(fabric 45678\)$/m);
    assert.match(email, /^Outage: {6}up to 2 min 5 s$/m);
    assert.match(email, /^Dremio UI: http:\/\/coord-b\.corp:9047\/$/m);
    assert.match(email, /^2\. The monitor will restart Dremio on coord-a\.corp \(remediation is enabled\)/m);
    assert.ok(
      sms.startsWith('[RESOLVED] prod: Failover completed: coord-a.corp -> coord-b.corp - Failover'),
      sms,
    );
  });

  it('says when a failover happened while the monitor could not observe', () => {
    const notification = sample('FAILOVER_COMPLETED');
    const { email } = formsOf(
      withEvent('FAILOVER_COMPLETED', { facts: { ...notification.event.facts, observedGap: true } }),
    );
    assert.match(email, /^Seen after a gap in which the monitor could not observe ZooKeeper/m);
  });

  it('says why a suppressed event did not page', () => {
    const held = heldBack(sampleEvent('COORDINATOR_DOWN'));
    assert.match(
      formsOf({ event: held, context: {} }).email,
      /^Held back by maintenance window upgrade-25\.2 \(bob\) until .+ UTC: recorded, not paging\.$/m,
    );
    const flapping = withEvent('MASTER_RESTARTED', {
      suppressed: true,
      facts: {
        ...sample('MASTER_RESTARTED').event.facts,
        flapping: { since: '2026-11-21T23:00:00.000Z', changes: 3 },
      },
    });
    assert.match(
      formsOf(flapping).email,
      /^Held back: leadership flapping since 2026-11-21 23:00:00 UTC \(3 changes\)/m,
    );
  });

  it('survives facts that are not what it expects', () => {
    for (const facts of [{}, { from: 'x', to: null, outageMs: 'soon' }, { master: [1, 2], previous: 7 }]) {
      const notification = withEvent('FAILOVER_COMPLETED', { facts });
      const input = buildPublishInput(notification, TOPIC);
      assert.ok(input.Subject && isValidSubject(input.Subject));
      assert.ok(formsOf(notification).email.includes(notification.event.summary));
    }
  });

  it('adds the FIFO group (cluster) and deduplication id (event id) on a FIFO topic', () => {
    const { event } = sample('MASTER_DOWN');
    const input = buildPublishInput(sample('MASTER_DOWN'), FIFO_TOPIC);
    assert.equal(input.MessageGroupId, event.cluster);
    assert.equal(input.MessageDeduplicationId, event.id);
  });

  it('leaves the facts out of the JSON when the message would pass the SNS size limit', () => {
    const huge = withEvent('OBSERVATION_FAILED', { facts: { problems: ['x'.repeat(MAX_MESSAGE_BYTES)] } });
    const input = buildPublishInput(huge, TOPIC);
    assert.ok(Buffer.byteLength(input.Message ?? '', 'utf8') <= MAX_MESSAGE_BYTES);
    const message = JSON.parse(formsOf(huge).sqs) as SnsEventMessage;
    assert.equal(message.factsOmitted, true);
    assert.deepEqual(message.event, { ...huge.event, facts: {} });
  });

  it('omits incidentAction when the event has none', () => {
    const { incidentAction: _, ...event } = sample('MASTER_DOWN').event;
    const input = buildPublishInput({ event, context: {} }, TOPIC);
    assert.equal(input.MessageAttributes?.incidentAction, undefined);
    assert.doesNotMatch(formsOf({ event, context: {} }).email, /\(open\)/);
  });
});

describe('SNS subject and SMS', () => {
  const anyText = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 150 }),
    fc.constantFrom('', ' ', '\n\r\t', '\u2028', '$$$', '~ leading symbol', '\u00e9t\u00e9 \u2192 \u2026'),
  );

  it('turns any text into a valid subject', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const subject = sanitizeSubject(text);
        assert.ok(isValidSubject(subject), JSON.stringify(subject));
      }),
      { numRuns: 500 },
    );
  });

  it('gives any event a valid subject and an SMS of at most 140 ASCII characters', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.string({ minLength: 1, maxLength: 63 }),
        fc.constantFrom(...EVENT_TYPES),
        fc.boolean(),
        (summary, cluster, type, suppressed) => {
          const notification = withEvent(type, { summary, cluster, suppressed });
          const input = buildPublishInput(notification, TOPIC);
          assert.ok(input.Subject && isValidSubject(input.Subject), JSON.stringify(input.Subject));
          const { sms } = formsOf(notification);
          assert.ok(sms.length <= SMS_MAX_LENGTH);
          assert.match(sms, PRINTABLE_ASCII);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('spells common typography in ASCII and drops accents', () => {
    assert.equal(
      sanitizeSubject('  \u00c9t\u00e9: 10.0.0.11 \u2192 10.0.0.12\u2026 \u201cok\u201d \u2014 \u4e2d '),
      'Ete: 10.0.0.11 -> 10.0.0.12... "ok" - ?',
    );
    assert.equal(sanitizeSubject('line one\nline two\r\n'), 'line one line two');
    assert.equal(sanitizeSubject('$ ~ + value'), 'value');
    assert.equal(sanitizeSubject('\n\t '), 'Dremio HA monitor notification');
  });

  it('cuts a long subject at a word, within the limit', () => {
    const subject = sanitizeSubject(`CRITICAL prod: ${'word '.repeat(40)}`);
    assert.ok(subject.length <= SUBJECT_MAX_LENGTH);
    assert.match(subject, /word\.\.\.$/);
    const unbroken = sanitizeSubject('x'.repeat(500));
    assert.equal(unbroken, `${'x'.repeat(SUBJECT_MAX_LENGTH - 3)}...`);
  });

  it('writes the acknowledgement of a person with accents in ASCII in the subject, in UTF-8 in the email', () => {
    const acknowledged = sample('INCIDENT_ACKNOWLEDGED');
    const notification = withEvent('INCIDENT_ACKNOWLEDGED', {
      facts: { ...acknowledged.event.facts, by: 'zo\u00eb.m\u00fcller' },
    });
    const input = buildPublishInput(notification, TOPIC);
    assert.ok(input.Subject?.startsWith('[ACKNOWLEDGED] prod: zoe.muller took the'), input.Subject);
    assert.ok(formsOf(notification).email.includes('zo\u00eb.m\u00fcller took the'));
  });
});
