import type { DeliveryOutcome } from '../notifier.ts';

/**
 * What a failed Publish means: worth retrying (throttling, 5xx, network, timeouts) or a
 * configuration that will never work (no such topic, no permission, bad credentials). Reasons
 * name the topic ARN (not a secret) and never carry credentials.
 */

const THROTTLING = new Set([
  'ThrottledException',
  'Throttled',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'KMSThrottlingException',
  'KMSThrottling',
]);

const SERVER = new Set([
  'InternalErrorException',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

/** Temporary credentials that expired, a clock that drifted: the SDK recovers on the next attempt. */
const TRANSIENT_AUTH = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'IDPCommunicationError',
]);

const NOT_FOUND = new Set(['NotFoundException', 'NotFound', 'ResourceNotFoundException', 'ResourceNotFound']);

const NOT_AUTHORIZED = new Set([
  'AuthorizationErrorException',
  'AuthorizationError',
  'AccessDenied',
  'AccessDeniedException',
  'OptInRequired',
]);

const KMS = new Set([
  'KMSAccessDeniedException',
  'KMSAccessDenied',
  'KMSDisabledException',
  'KMSDisabled',
  'KMSInvalidStateException',
  'KMSInvalidState',
  'KMSNotFoundException',
  'KMSNotFound',
  'KMSOptInRequired',
]);

const BAD_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'InvalidSecurityException',
  'InvalidSecurity',
]);

const INVALID = new Set([
  'InvalidParameterException',
  'InvalidParameter',
  'InvalidParameterValueException',
  'InvalidParameterValue',
  'ValidationException',
  'ValidationError',
]);

/** Socket and DNS failures (Node and undici codes). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/** What an SDK (or socket) error tells. */
interface ErrorFacts {
  readonly name: string;
  readonly message: string;
  readonly status: number | undefined;
  readonly fault: string | undefined;
  readonly code: string | undefined;
  readonly throttling: boolean;
}

function factsOf(error: unknown): ErrorFacts {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const metadata = fields.$metadata as { httpStatusCode?: unknown } | undefined;
  const retryable = fields.$retryable as { throttling?: unknown } | undefined;
  const cause = fields.cause as { code?: unknown } | undefined;
  const code = typeof fields.code === 'string' ? fields.code : cause?.code;
  return {
    name: error instanceof Error ? error.name : typeof fields.name === 'string' ? fields.name : typeof error,
    message:
      error instanceof Error ? error.message : typeof fields.message === 'string' ? fields.message : '',
    status: typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined,
    fault: typeof fields.$fault === 'string' ? fields.$fault : undefined,
    code: typeof code === 'string' ? code : undefined,
    throttling: retryable?.throttling === true,
  };
}

const MAX_DETAIL = 300;

/**
 * A service message made safe for a reason: access key ids, secret-like strings and signed-request
 * fields removed, one line, at most 300 characters.
 */
export function redactDetail(message: string): string {
  const redacted = message
    .replace(
      /\b(X-Amz-Security-Token|X-Amz-Credential|X-Amz-Signature|Credential|Signature)=[^\s,&]+/gi,
      '$1=[redacted]',
    )
    .replace(/\b(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|APKA|ABIA|ACCA)[A-Z0-9]{12,}\b/g, '[redacted]')
    .replace(/[A-Za-z0-9/+=]{40,}/g, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return redacted.length > MAX_DETAIL ? `${redacted.slice(0, MAX_DETAIL - 3)}...` : redacted;
}

function detail(facts: ErrorFacts): string {
  const message = redactDetail(facts.message);
  return message ? `: ${message}` : '';
}

function what(facts: ErrorFacts): string {
  return facts.status === undefined ? facts.name : `${facts.name}, HTTP ${facts.status}`;
}

/**
 * The outcome of a Publish to `topicArn` that threw `error`. `aborted`: the caller's signal fired
 * (its deadline or a shutdown), which is never a reason to give up on the message.
 */
export function outcomeOfPublishError(error: unknown, topicArn: string, aborted = false): DeliveryOutcome {
  const facts = factsOf(error);
  const { name, status } = facts;
  const topic = `SNS topic ${topicArn}`;
  if (aborted || name === 'AbortError') {
    return { kind: 'retry', reason: `publishing to ${topic} was aborted before SNS answered` };
  }
  if (THROTTLING.has(name) || facts.throttling || status === 429) {
    return { kind: 'retry', reason: `SNS throttled publishing to ${topic} (${what(facts)})` };
  }
  if (TRANSIENT_AUTH.has(name)) {
    return { kind: 'retry', reason: `AWS refused the request signature for ${topic} for now (${name})` };
  }
  if (NOT_FOUND.has(name)) {
    return {
      kind: 'failed',
      reason: `${topic} does not exist (${what(facts)}): check the channel's topicArn, its account and region`,
    };
  }
  if (NOT_AUTHORIZED.has(name)) {
    return {
      kind: 'failed',
      reason: `not authorized to publish to ${topic} (${what(facts)}): allow sns:Publish on it for the monitor's role${detail(facts)}`,
    };
  }
  if (KMS.has(name)) {
    return {
      kind: 'failed',
      reason: `${topic} is encrypted with a KMS key the monitor cannot use (${what(facts)}): allow kms:GenerateDataKey* and kms:Decrypt on the key, and check that it is enabled${detail(facts)}`,
    };
  }
  if (BAD_CREDENTIALS.has(name)) {
    return {
      kind: 'failed',
      reason: `AWS rejected the monitor's credentials publishing to ${topic} (${what(facts)}): check the access key or role the monitor runs with`,
    };
  }
  if (INVALID.has(name)) {
    return {
      kind: 'failed',
      reason: `SNS rejected the publish to ${topic} (${what(facts)})${detail(facts)}`,
    };
  }
  if (SERVER.has(name) || (status !== undefined && status >= 500) || facts.fault === 'server') {
    return { kind: 'retry', reason: `SNS failed publishing to ${topic} (${what(facts)})` };
  }
  if (TIMEOUT_NAMES.has(name) || status === 408 || facts.code === 'ETIMEDOUT') {
    return { kind: 'retry', reason: `publishing to ${topic} timed out (${facts.code ?? what(facts)})` };
  }
  if (facts.code !== undefined && NETWORK_CODES.has(facts.code)) {
    return { kind: 'retry', reason: `could not reach SNS to publish to ${topic} (${facts.code})` };
  }
  if (name === 'CredentialsProviderError') {
    // Missing configuration, or an instance-metadata hiccup: keep the message rather than lose it.
    return { kind: 'retry', reason: `no AWS credentials could be loaded to publish to ${topic} (${name})` };
  }
  if (status !== undefined && status >= 400) {
    return { kind: 'failed', reason: `SNS refused the publish to ${topic} (${what(facts)})${detail(facts)}` };
  }
  return {
    kind: 'retry',
    reason: `publishing to ${topic} failed unexpectedly (${what(facts)})${detail(facts)}`,
  };
}
