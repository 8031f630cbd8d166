import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AuthorizationErrorException,
  InternalErrorException,
  InvalidParameterException,
  KMSAccessDeniedException,
  KMSDisabledException,
  KMSThrottlingException,
  NotFoundException,
  type PublishCommandInput,
  type PublishCommandOutput,
  SNSClient,
  SNSServiceException,
  ThrottledException,
} from '@aws-sdk/client-sns';
import type { DeliveryOutcome } from '../../../shared/notify/notifier.ts';
import {
  buildPublishInput,
  outcomeOfPublishError,
  SnsNotifier,
  type SnsNotifierOptions,
} from '../../../shared/notify/sns/index.ts';
import { redactDetail } from '../../../shared/notify/sns/publish-errors.ts';
import { sampleNotification } from '../../support/notify-events.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:dremio-ha-alerts';
const CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEHAaCXVzLWVhc3QtMSJHMEUCIQDexampletokenexampletokenexampletoken',
};
const SECRETS = Object.values(CREDENTIALS);

const FAILOVER = sampleNotification('FAILOVER_COMPLETED');

const metadata = (httpStatusCode?: number) => (httpStatusCode === undefined ? {} : { httpStatusCode });

function serviceError(name: string, httpStatusCode: number, message = `${name} happened`, fault = 'client') {
  return new SNSServiceException({
    name,
    $fault: fault === 'server' ? 'server' : 'client',
    $metadata: metadata(httpStatusCode),
    message,
  });
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 10.1.2.3:443`), { code });
}

function named(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}

/** [what, the error, the expected kind, a word the reason must contain]. */
const TABLE: ReadonlyArray<readonly [string, unknown, DeliveryOutcome['kind'], string]> = [
  [
    'ThrottledException',
    new ThrottledException({ message: 'Rate exceeded', $metadata: metadata(400) }),
    'retry',
    'throttled',
  ],
  ['ThrottlingException', serviceError('ThrottlingException', 400), 'retry', 'throttled'],
  ['Throttled (query code)', serviceError('Throttled', 400), 'retry', 'throttled'],
  ['any 429', serviceError('SomethingNew', 429), 'retry', 'throttled'],
  [
    'KMSThrottlingException',
    new KMSThrottlingException({ message: 'KMS rate', $metadata: metadata(400) }),
    'retry',
    'throttled',
  ],
  [
    'InternalErrorException',
    new InternalErrorException({ message: 'oops', $metadata: metadata(500) }),
    'retry',
    'failed',
  ],
  ['InternalError (query code)', serviceError('InternalError', 500, 'x', 'server'), 'retry', 'failed'],
  ['503 ServiceUnavailable', serviceError('ServiceUnavailable', 503, 'x', 'server'), 'retry', 'failed'],
  ['any 5xx', serviceError('Weird', 502, 'bad gateway', 'server'), 'retry', 'HTTP 502'],
  ['ECONNREFUSED', socketError('ECONNREFUSED'), 'retry', 'ECONNREFUSED'],
  ['ECONNRESET', socketError('ECONNRESET'), 'retry', 'ECONNRESET'],
  ['ENOTFOUND (DNS)', socketError('ENOTFOUND'), 'retry', 'ENOTFOUND'],
  ['EAI_AGAIN (DNS)', socketError('EAI_AGAIN'), 'retry', 'EAI_AGAIN'],
  ['ETIMEDOUT', socketError('ETIMEDOUT'), 'retry', 'timed out'],
  [
    'a cause with a socket code',
    new Error('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }),
    'retry',
    'reach',
  ],
  ['TimeoutError (smithy)', named('TimeoutError', 'socket timed out after 3000 ms'), 'retry', 'timed out'],
  ['RequestTimeout', serviceError('RequestTimeout', 408), 'retry', 'timed out'],
  ['AbortError', named('AbortError', 'Request aborted'), 'retry', 'aborted'],
  [
    'ExpiredToken',
    serviceError('ExpiredToken', 403, 'The security token included in the request is expired'),
    'retry',
    'for now',
  ],
  [
    'CredentialsProviderError',
    named('CredentialsProviderError', 'Could not load credentials from any providers'),
    'retry',
    'credentials',
  ],
  ['an unknown error', new TypeError('x is not a function'), 'retry', 'unexpectedly'],
  ['a thrown string', 'boom', 'retry', 'unexpectedly'],
  [
    'NotFoundException',
    new NotFoundException({ message: 'Topic does not exist', $metadata: metadata(404) }),
    'failed',
    'does not exist',
  ],
  ['NotFound (query code)', serviceError('NotFound', 404), 'failed', 'does not exist'],
  [
    'AuthorizationErrorException',
    new AuthorizationErrorException({
      message: `User: arn:aws:sts::123456789012:assumed-role/monitor/i-0abc is not authorized to perform: SNS:Publish on resource: ${TOPIC}`,
      $metadata: metadata(403),
    }),
    'failed',
    'sns:Publish',
  ],
  ['AccessDenied', serviceError('AccessDenied', 403), 'failed', 'not authorized'],
  [
    'InvalidParameterException',
    new InvalidParameterException({ message: 'Invalid parameter: TopicArn', $metadata: metadata(400) }),
    'failed',
    'Invalid parameter: TopicArn',
  ],
  ['InvalidParameter (query code)', serviceError('InvalidParameter', 400), 'failed', 'rejected'],
  [
    'KMSAccessDeniedException',
    new KMSAccessDeniedException({ message: 'not allowed kms:GenerateDataKey', $metadata: metadata(400) }),
    'failed',
    'KMS',
  ],
  [
    'KMSDisabledException',
    new KMSDisabledException({ message: 'key disabled', $metadata: metadata(400) }),
    'failed',
    'KMS',
  ],
  ['InvalidClientTokenId', serviceError('InvalidClientTokenId', 403), 'failed', 'credentials'],
  ['UnrecognizedClientException', serviceError('UnrecognizedClientException', 400), 'failed', 'credentials'],
  ['SignatureDoesNotMatch', serviceError('SignatureDoesNotMatch', 403), 'failed', 'credentials'],
  ['any other 4xx', serviceError('SomethingNew', 400, 'no'), 'failed', 'HTTP 400'],
];

describe('SNS publish errors', () => {
  for (const [what, error, kind, word] of TABLE) {
    it(`${what} -> ${kind}`, () => {
      const outcome = outcomeOfPublishError(error, TOPIC);
      assert.equal(outcome.kind, kind);
      assert.ok(outcome.kind !== 'delivered');
      assert.ok(outcome.reason.includes(word), outcome.reason);
      assert.ok(outcome.reason.includes(TOPIC), outcome.reason);
    });
  }

  it('retries whatever happened once the caller aborted', () => {
    const outcome = outcomeOfPublishError(serviceError('NotFound', 404), TOPIC, true);
    assert.equal(outcome.kind, 'retry');
    assert.match(outcome.kind === 'retry' ? outcome.reason : '', /aborted/);
  });

  it('never puts credentials in a reason, even when an error carries them', () => {
    const leaky = `Credential=${CREDENTIALS.accessKeyId}/20261122/eu-west-1/sns/aws4_request, Signature=abc; key ${CREDENTIALS.accessKeyId} secret ${CREDENTIALS.secretAccessKey} token ${CREDENTIALS.sessionToken} X-Amz-Security-Token=${CREDENTIALS.sessionToken}`;
    const names = [
      'SignatureDoesNotMatch',
      'InvalidClientTokenId',
      'AuthorizationError',
      'InvalidParameter',
      'KMSAccessDenied',
      'NotFound',
      'Throttled',
      'InternalError',
      'SomethingNew',
    ];
    for (const name of names) {
      for (const status of [400, 403, 404, 429, 500]) {
        const outcome = outcomeOfPublishError(serviceError(name, status, leaky), TOPIC);
        assert.ok(outcome.kind !== 'delivered');
        for (const secret of SECRETS)
          assert.ok(!outcome.reason.includes(secret), `${name}: ${outcome.reason}`);
      }
    }
    const unexpected = outcomeOfPublishError(new Error(leaky), TOPIC);
    assert.ok(unexpected.kind === 'retry');
    for (const secret of SECRETS) assert.ok(!unexpected.reason.includes(secret), unexpected.reason);
  });

  it('keeps service messages short and on one line', () => {
    assert.equal(redactDetail('a\n b\t c'), 'a b c');
    assert.equal(redactDetail('y '.repeat(400)).length, 300);
    assert.equal(redactDetail(`role ${TOPIC} ok`), `role ${TOPIC} ok`);
  });
});

/** A real SNSClient whose Publish never leaves the process: `answer` plays SNS. */
function fakeClient(
  answer: (input: PublishCommandInput) => Promise<Omit<PublishCommandOutput, '$metadata'>>,
) {
  const client = new SNSClient({ region: 'eu-west-1', credentials: CREDENTIALS, maxAttempts: 1 });
  client.middlewareStack.add(
    () => async (args) => ({
      output: { ...(await answer(args.input as PublishCommandInput)), $metadata: {} },
      response: {},
    }),
    { step: 'initialize', name: 'fakeSnsPublish' },
  );
  return client;
}

function notifier(client: SNSClient, topicArn = TOPIC): SnsNotifier {
  const options: SnsNotifierOptions = { channel: 'pager-sns', topicArn, client };
  return new SnsNotifier(options);
}

describe('SnsNotifier', () => {
  it('publishes the built input and returns the MessageId as thread', async () => {
    const sent: PublishCommandInput[] = [];
    const client = fakeClient(async (input) => {
      sent.push(input);
      return { MessageId: 'm-1' };
    });
    const outcome = await notifier(client).send(FAILOVER, new AbortController().signal);
    assert.deepEqual(outcome, { kind: 'delivered', thread: 'm-1' });
    assert.deepEqual(sent, [buildPublishInput(FAILOVER, TOPIC)]);
  });

  it('publishes FIFO fields to a FIFO topic', async () => {
    const sent: PublishCommandInput[] = [];
    const client = fakeClient(async (input) => {
      sent.push(input);
      return {};
    });
    const outcome = await notifier(client, `${TOPIC}.fifo`).send(FAILOVER, new AbortController().signal);
    assert.deepEqual(outcome, { kind: 'delivered' });
    assert.equal(sent[0]?.MessageGroupId, 'prod');
    assert.equal(sent[0]?.MessageDeduplicationId, FAILOVER.event.id);
  });

  it('turns a thrown SDK error into its outcome', async () => {
    const client = fakeClient(async () => {
      throw new NotFoundException({ message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } });
    });
    const outcome = await notifier(client).send(FAILOVER, new AbortController().signal);
    assert.equal(outcome.kind, 'failed');
    assert.match(
      outcome.kind === 'failed' ? outcome.reason : '',
      /SNS topic .+dremio-ha-alerts does not exist/,
    );
  });

  it('retries when the signal fired, whatever the SDK threw', async () => {
    const controller = new AbortController();
    const client = fakeClient(async () => {
      controller.abort();
      throw serviceError('InvalidParameter', 400);
    });
    const outcome = await notifier(client).send(FAILOVER, controller.signal);
    assert.equal(outcome.kind, 'retry');
  });

  it('refuses a topicArn that is not an SNS topic ARN, naming the channel', () => {
    const client = fakeClient(async () => ({}));
    for (const bad of ['', 'dremio-ha-alerts', 'arn:aws:sqs:eu-west-1:123456789012:q', `${TOPIC}/x`]) {
      assert.throws(() => notifier(client, bad), /channel pager-sns: .* is not an SNS topic ARN/);
    }
    assert.equal(
      notifier(client, 'arn:aws-us-gov:sns:us-gov-west-1:123456789012:a_b-c.fifo').channel,
      'pager-sns',
    );
  });
});
