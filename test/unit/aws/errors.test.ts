import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { SNSServiceException } from '@aws-sdk/client-sns';
import fc from 'fast-check';
import {
  type AwsErrorKind,
  awsErrorFacts,
  classifyAwsError,
  describeAwsError,
  redactDetail,
  redactSecrets,
} from '../../../shared/aws/errors.ts';
import { outcomeOfPublishError } from '../../../shared/notify/sns/publish-errors.ts';
import { StoreError } from '../../../shared/record/store-error.ts';
import { outcomeOfEc2Error } from '../../../shared/remediate/ec2/errors.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:dremio-ha-alerts';
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'IQoJb3JpZ2luX2VjEHAaCXVzLWVhc3QtMSJHMEUCIQDexampletokenexampletokenexampletoken';
const SIGNATURE = 'fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024';

function serviceError(
  name: string,
  httpStatusCode?: number,
  extra: { message?: string; fault?: 'client' | 'server'; requestId?: string } = {},
) {
  return new SNSServiceException({
    name,
    $fault: extra.fault ?? (httpStatusCode !== undefined && httpStatusCode >= 500 ? 'server' : 'client'),
    $metadata: {
      ...(httpStatusCode === undefined ? {} : { httpStatusCode }),
      ...(extra.requestId === undefined ? {} : { requestId: extra.requestId }),
    },
    message: extra.message ?? `${name} happened`,
  });
}

function named(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 10.1.2.3:443`), { code });
}

/** [what, the error, the kind, retryable]. */
const CLASSIFIED: ReadonlyArray<readonly [string, unknown, AwsErrorKind, boolean]> = [
  ['ThrottlingException', serviceError('ThrottlingException', 400), 'throttled', true],
  ['SNS ThrottledException', serviceError('ThrottledException', 400), 'throttled', true],
  ['EC2 RequestLimitExceeded (503)', serviceError('RequestLimitExceeded', 503), 'throttled', true],
  [
    'DynamoDB ProvisionedThroughputExceededException',
    serviceError('ProvisionedThroughputExceededException', 400),
    'throttled',
    true,
  ],
  [
    'an unknown name the SDK marks throttling',
    Object.assign(serviceError('SomethingNew', 400), { $retryable: { throttling: true } }),
    'throttled',
    true,
  ],
  ['any 429', serviceError('SomethingNew', 429), 'throttled', true],
  ['ExpiredToken', serviceError('ExpiredToken', 403), 'expired-credentials', true],
  ['RequestExpired', serviceError('RequestExpired', 400), 'expired-credentials', true],
  ['NotFoundException', serviceError('NotFoundException', 404), 'not-found', false],
  ['DynamoDB ResourceNotFoundException', serviceError('ResourceNotFoundException', 400), 'not-found', false],
  ['AccessDeniedException', serviceError('AccessDeniedException', 400), 'not-authorized', false],
  ['EC2 UnauthorizedOperation', serviceError('UnauthorizedOperation', 403), 'not-authorized', false],
  ['SNS AuthorizationError', serviceError('AuthorizationError', 403), 'not-authorized', false],
  ['an AuthorizationError with no status', named('AuthorizationError'), 'not-authorized', false],
  ['OptInRequired', serviceError('OptInRequired', 403), 'opt-in-required', false],
  ['KMSDisabledException', serviceError('KMSDisabledException', 400), 'kms', false],
  ['EC2 AuthFailure', serviceError('AuthFailure', 401), 'bad-credentials', false],
  ['SignatureDoesNotMatch', serviceError('SignatureDoesNotMatch', 403), 'bad-credentials', false],
  ['UnrecognizedClientException', serviceError('UnrecognizedClientException', 400), 'bad-credentials', false],
  ['ValidationException', serviceError('ValidationException', 400), 'invalid-request', false],
  ['InvalidParameterValue', serviceError('InvalidParameterValue', 400), 'invalid-request', false],
  ['InternalError', serviceError('InternalError', 500), 'server', true],
  ['EC2 Unavailable', serviceError('Unavailable', 503), 'server', true],
  ['any 5xx', serviceError('Weird', 502), 'server', true],
  ['a server fault without a status', serviceError('Weird', undefined, { fault: 'server' }), 'server', true],
  ['TimeoutError', named('TimeoutError', 'socket timed out'), 'timeout', true],
  ['RequestTimeout (408)', serviceError('RequestTimeout', 408), 'timeout', true],
  ['ETIMEDOUT', socketError('ETIMEDOUT'), 'timeout', true],
  ['ECONNRESET', socketError('ECONNRESET'), 'network', true],
  ['EAI_AGAIN', socketError('EAI_AGAIN'), 'network', true],
  [
    'a socket code on the cause',
    new Error('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }),
    'network',
    true,
  ],
  ['CredentialsProviderError', named('CredentialsProviderError'), 'no-credentials', true],
  ['AbortError', named('AbortError', 'Request aborted'), 'aborted', true],
  ['any other 4xx', serviceError('SomethingNew', 400), 'client', false],
  ['EC2 DryRunOperation (412)', serviceError('DryRunOperation', 412), 'client', false],
  ['a 3xx', serviceError('Moved', 301), 'unknown', true],
  ['a TypeError', new TypeError('x is not a function'), 'unknown', true],
  ['a thrown string', 'boom', 'unknown', true],
  ['undefined', undefined, 'unknown', true],
];

describe('classifyAwsError', () => {
  for (const [what, error, kind, retryable] of CLASSIFIED) {
    it(`${what} -> ${kind}${retryable ? ', retryable' : ''}`, () => {
      const verdict = classifyAwsError(error);
      assert.equal(verdict.kind, kind);
      assert.equal(verdict.retryable, retryable);
    });
  }

  it('retries whatever happened once the caller aborted', () => {
    for (const [, error] of CLASSIFIED) {
      assert.deepEqual(
        { kind: classifyAwsError(error, true).kind, retryable: classifyAwsError(error, true).retryable },
        { kind: 'aborted', retryable: true },
      );
    }
  });

  it('reads the facts of an SDK error', () => {
    const error = Object.assign(
      new EC2ServiceException({
        name: 'RequestLimitExceeded',
        $fault: 'client',
        $metadata: { httpStatusCode: 503, requestId: 'req-7' },
        message: 'Request limit exceeded.',
      }),
      { $retryable: { throttling: true } },
    );
    assert.deepEqual(awsErrorFacts(error), {
      name: 'RequestLimitExceeded',
      message: 'Request limit exceeded.',
      status: 503,
      requestId: 'req-7',
      code: undefined,
      fault: 'client',
      throttling: true,
      sdkRetryable: true,
    });
    assert.equal(describeAwsError(awsErrorFacts(error)), 'RequestLimitExceeded, HTTP 503');
  });

  it('reads what it can of anything else', () => {
    assert.deepEqual(awsErrorFacts(new Error('fetch failed', { cause: { code: 'ECONNRESET' } })), {
      name: 'Error',
      message: 'fetch failed',
      status: undefined,
      requestId: undefined,
      code: 'ECONNRESET',
      fault: undefined,
      throttling: false,
      sdkRetryable: false,
    });
    assert.equal(awsErrorFacts(42).name, 'number');
    assert.equal(awsErrorFacts(null).message, '');
    assert.equal(
      awsErrorFacts({ name: 7, $metadata: { httpStatusCode: '500' }, $fault: 'x' }).status,
      undefined,
    );
    assert.equal(describeAwsError(awsErrorFacts('boom')), 'string');
  });
});

/** [what, the message, what redactSecrets makes of it]. */
const REDACTED: ReadonlyArray<readonly [string, string, string]> = [
  [
    'a SigV4 Authorization header',
    `Credential=${KEY_ID}/20261122/eu-west-1/sns/aws4_request, SignedHeaders=host;x-amz-date, Signature=${SIGNATURE}`,
    'Credential=[redacted], SignedHeaders=host;x-amz-date, Signature=[redacted]',
  ],
  [
    'a presigned query string',
    `?X-Amz-Credential=${KEY_ID}%2F20261122&X-Amz-Security-Token=abc&X-Amz-Signature=0ff1ce&X-Amz-Date=20261122T000000Z`,
    '?X-Amz-Credential=[redacted]&X-Amz-Security-Token=[redacted]&X-Amz-Signature=[redacted]&X-Amz-Date=20261122T000000Z',
  ],
  ['a short signature', 'signature=abc def', 'signature=[redacted] def'],
  [
    'a canonical request header',
    'x-amz-security-token:short\nhost:sns',
    'x-amz-security-token:[redacted]\nhost:sns',
  ],
  ['an access key id', `key ${KEY_ID} here`, 'key [redacted] here'],
  ['an access key id inside a word', `key${KEY_ID}x`, 'key[redacted]x'],
  ['a session key id', 'ASIAY34FZKBOKMUTVV7A.', '[redacted].'],
  ['a role unique id', 'role AROA3XFRBF535PLBIFPI4 denied', 'role [redacted] denied'],
  ['a 40-character secret', `secret ${SECRET}`, 'secret [redacted]'],
  ['a session token', `token ${TOKEN} end`, 'token [redacted] end'],
  ['a bare signature', `sig ${SIGNATURE}`, 'sig [redacted]'],
  ['a long base64url blob', `blob ${'Ab-_'.repeat(16)} end`, 'blob [redacted] end'],
  [
    'an encoded authorization failure',
    'You are not authorized. Encoded authorization failure message: 4f-Xq_short more',
    'You are not authorized. Encoded authorization failure message: [redacted] more',
  ],
  [
    'ARNs, instance ids and role paths',
    `User: arn:aws:sts::123456789012:assumed-role/dremio-ha-monitor/i-0123456789abcdef0 is not authorized to perform: SNS:Publish on resource: ${TOPIC}`,
    `User: arn:aws:sts::123456789012:assumed-role/dremio-ha-monitor/i-0123456789abcdef0 is not authorized to perform: SNS:Publish on resource: ${TOPIC}`,
  ],
  [
    'a request id',
    'RequestId: 0f2b1c3d-4e5f-6789-abcd-ef0123456789',
    'RequestId: 0f2b1c3d-4e5f-6789-abcd-ef0123456789',
  ],
  ['layout', 'a\n  b\tc', 'a\n  b\tc'],
];

describe('redactSecrets', () => {
  for (const [what, message, expected] of REDACTED) {
    it(what, () => assert.equal(redactSecrets(message), expected));
  }
});

describe('redactDetail', () => {
  it('puts the message on one line, capped', () => {
    assert.equal(redactDetail(' a\n b\t c ', 100), 'a b c');
    assert.equal(redactDetail('y '.repeat(400), 300).length, 300);
    assert.ok(redactDetail('y '.repeat(400), 240).endsWith('...'));
    assert.equal(redactDetail(`key\n${KEY_ID}`, 100), 'key [redacted]');
  });
});

describe('the services on top of the classifier', () => {
  it('StoreError: retryable only for a transient AWS failure, with its request id', () => {
    const store = (cause?: unknown) => new StoreError('cannot load the state', { table: 't', cause });
    const throttled = store(
      serviceError('ProvisionedThroughputExceededException', 400, { requestId: 'req-1' }),
    );
    assert.deepEqual([throttled.retryable, throttled.requestId], [true, 'req-1']);
    assert.equal(store(socketError('ECONNRESET')).retryable, true);
    assert.equal(store(serviceError('ResourceNotFoundException', 400)).retryable, false);
    assert.equal(store(serviceError('AccessDeniedException', 400)).retryable, false);
    // Not an answer from AWS: the store's own bug, which trying again repeats.
    assert.equal(store(new TypeError('Do not know how to serialize a BigInt')).retryable, false);
    assert.deepEqual([store().retryable, store().requestId], [false, undefined]);
    const leaky = store(
      serviceError('SignatureDoesNotMatch', 403, { message: `x-amz-security-token:${TOKEN}` }),
    );
    assert.equal(
      leaky.message,
      'cannot load the state (table "t"): SignatureDoesNotMatch: x-amz-security-token:[redacted]',
    );
  });

  it('EC2: a request timeout is retried, a generic refusal is not', () => {
    const outcome = (error: unknown) => outcomeOfEc2Error(error, 'RebootInstances', 'instance i-0abc');
    assert.deepEqual(outcome(serviceError('RequestTimeout', 408)), {
      kind: 'failed',
      retryable: true,
      reason: 'RebootInstances on instance i-0abc failed for now (RequestTimeout)',
    });
    assert.equal(outcome(named('AuthorizationError')).kind, 'unauthorized');
    assert.deepEqual(outcome(named('ResourceNotFoundException')), {
      kind: 'failed',
      retryable: false,
      reason:
        'RebootInstances on instance i-0abc failed (ResourceNotFoundException): ResourceNotFoundException',
    });
    assert.deepEqual(outcome(socketError('ETIMEDOUT')), {
      kind: 'failed',
      retryable: true,
      reason: 'could not reach EC2 for RebootInstances (ETIMEDOUT)',
    });
  });

  it('SNS: an opt-in refusal reads as a permission to grant', () => {
    const outcome = outcomeOfPublishError(serviceError('OptInRequired', 403), TOPIC);
    assert.equal(outcome.kind, 'failed');
    assert.match(outcome.kind === 'failed' ? outcome.reason : '', /allow sns:Publish/);
  });
});

const BASE64 = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'];
const UPPER_DIGITS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];

const chars = (alphabet: readonly string[], length: number, maxLength = length) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: length, maxLength });

/** Credentials shaped like the real ones: what must never come out of a redaction. */
const secretArb: fc.Arbitrary<{ readonly secret: string; readonly injected: string }> = fc.oneof(
  fc
    .tuple(fc.constantFrom('AKIA', 'ASIA'), chars(UPPER_DIGITS, 16))
    .map(([prefix, rest]) => ({ secret: prefix + rest, injected: prefix + rest })),
  chars(BASE64, 40).map((secret) => ({ secret, injected: secret })),
  chars([...'0123456789abcdef'], 64).map((secret) => ({ secret, injected: `Signature=${secret}` })),
  fc
    .tuple(chars(BASE64, 100, 400), fc.constantFrom('', '=', '=='))
    .map(([body, padding]) => ({ secret: body + padding, injected: body + padding })),
  chars([...BASE64, '-', '_'], 60, 200).map((secret) => ({ secret, injected: secret })),
  chars(BASE64, 20, 200).map((secret) => ({ secret, injected: `X-Amz-Security-Token=${secret}` })),
);

/** Any text around it: arbitrary, or made of the very characters secrets are made of. */
const textArb = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  chars([...BASE64, '=', '-', '_', ' ', '\n', ',', '&', ':'], 0, 80),
  fc.constantFrom(
    '',
    ' ',
    'Credential=',
    'Signature=',
    'AKIA',
    'Encoded authorization failure message: ',
    '\n    at Object.send (node_modules/@smithy/smithy-client/dist-cjs/index.js:12:5)\n',
  ),
);

describe('no secret survives a redaction', () => {
  it('whatever message or stack it is embedded in', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(
        secretArb,
        textArb,
        textArb,
        fc.constantFrom(...CLASSIFIED.map(([, error]) => error)),
        ({ secret, injected }, before, after, template) => {
          const message = before + injected + after;
          const stack = `Error: ${message}\n    at send (client.js:1:1)\n    ${injected}`;
          const outputs = [redactSecrets(message), redactDetail(message, 300), redactDetail(message, 10_000)];
          const fields = typeof template === 'object' && template !== null ? template : {};
          const error = Object.assign(new Error(message), fields, { message, stack });
          outputs.push(outcomeOfEc2Error(error, 'RebootInstances', 'instance i-0abc').reason);
          const published = outcomeOfPublishError(error, TOPIC);
          outputs.push(published.kind === 'delivered' ? '' : published.reason);
          outputs.push(new StoreError('cannot load the state', { table: 't', cause: error }).message);
          for (const output of outputs) assert.ok(!output.includes(secret), output);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
