import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PublishCommandInput } from '@aws-sdk/client-sns';
import { EVENT_TYPES, type EventType } from '../../../shared/events/types.ts';
import type { Notification } from '../../../shared/notify/notifier.ts';
import { buildPublishInput, type SnsMessageForms } from '../../../shared/notify/sns/index.ts';
import { goldenFiles } from '../../support/golden.ts';
import { sampleNotification } from '../../support/notify-events.ts';

/**
 * The Publish input of each event type's sample notification (test/support/notify-events.ts), compared with
 * test/golden/sns/<EVENT_TYPE>.json. `UPDATE_GOLDEN=1` rewrites the files. For reading, a golden shows `Message` decoded: the JSON forms parsed, the email as lines;
 * the test checks that encoding the view again gives the exact `Message` string.
 */

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:dremio-ha-alerts';

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

describe('SNS golden Publish inputs', () => {
  const expected = new Map<string, unknown>();
  for (const type of EVENT_TYPES) {
    const input = buildPublishInput(SAMPLES[type], TOPIC);
    const golden = view(input);
    it(`${type}: the golden view stands for the exact Message`, () => {
      assert.equal(encode(golden.Message), input.Message);
    });
    expected.set(type, golden);
  }
  goldenFiles('sns', expected);
});
