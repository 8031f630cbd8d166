import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { PublishCommandInput } from '@aws-sdk/client-sns';
import { EVENT_TYPES, type EventType } from '../../../shared/events/types.ts';
import type { Notification } from '../../../shared/notify/notifier.ts';
import { buildPublishInput, type SnsMessageForms } from '../../../shared/notify/sns/index.ts';
import { sampleNotification } from '../../support/notify-events.ts';

/**
 * The Publish input of each event type's sample notification (test/support/notify-events.ts), compared with
 * test/golden/sns/<EVENT_TYPE>.json. `UPDATE_GOLDEN=1` rewrites the files (then formats them with
 * Biome). For reading, a golden shows `Message` decoded: the JSON forms parsed, the email as lines;
 * the test checks that encoding the view again gives the exact `Message` string.
 */

const GOLDEN = new URL('../../golden/sns/', import.meta.url);
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:dremio-ha-alerts';
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const SAMPLES = Object.fromEntries(EVENT_TYPES.map((type) => [type, sampleNotification(type)])) as Record<
  EventType,
  Notification
>;

interface MessageView {
  readonly default: unknown;
  readonly email: readonly string[];
  readonly sms: string;
  readonly sqs: unknown;
  readonly lambda: unknown;
  readonly https: unknown;
}

type GoldenView = Omit<PublishCommandInput, 'Message'> & { readonly Message: MessageView };

function view(input: PublishCommandInput): GoldenView {
  const forms = JSON.parse(input.Message ?? '') as SnsMessageForms;
  return {
    ...input,
    Message: {
      default: JSON.parse(forms.default),
      email: forms.email.split('\n'),
      sms: forms.sms,
      sqs: JSON.parse(forms.sqs),
      lambda: JSON.parse(forms.lambda),
      https: JSON.parse(forms.https),
    },
  };
}

/** The Message string a view stands for, encoded as buildPublishInput encodes it. */
function encode(message: MessageView): string {
  const forms: SnsMessageForms = {
    default: JSON.stringify(message.default),
    email: message.email.join('\n'),
    sms: message.sms,
    sqs: JSON.stringify(message.sqs),
    lambda: JSON.stringify(message.lambda),
    https: JSON.stringify(message.https),
  };
  return JSON.stringify(forms);
}

const written: string[] = [];

describe('SNS golden Publish inputs', () => {
  after(() => {
    if (written.length === 0) return;
    const biome = fileURLToPath(new URL('../../../node_modules/.bin/biome', import.meta.url));
    execFileSync(biome, ['format', '--write', ...written], { stdio: 'ignore' });
  });

  for (const type of EVENT_TYPES) {
    it(`${type}.json`, () => {
      const notification = SAMPLES[type];
      assert.ok(notification, `no sample notification for ${type}`);
      const input = buildPublishInput(notification, TOPIC);
      const actual = view(input);
      assert.equal(encode(actual.Message), input.Message, 'the golden view must be lossless');
      const file = new URL(`${type}.json`, GOLDEN);
      if (UPDATE) {
        writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
        written.push(fileURLToPath(file));
        return;
      }
      assert.ok(existsSync(file), `missing ${fileURLToPath(file)}: run with UPDATE_GOLDEN=1`);
      const expected = JSON.parse(readFileSync(file, 'utf8')) as GoldenView;
      assert.deepEqual(actual, expected, `${type}: run with UPDATE_GOLDEN=1 if the change is intended`);
    });
  }
});
