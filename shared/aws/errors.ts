/**
 * What an error thrown by an AWS SDK v3 client (or by the socket under it) means: the facts it
 * carries, whether the same call may succeed later, and its message with every secret removed.
 * Services word their own reasons on top of this (`shared/notify/sns/publish-errors.ts`,
 * `shared/remediate/ec2/errors.ts`, `shared/record/store-error.ts`).
 */

/** Query-protocol codes and JSON exception names that mean "slow down". */
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
  'ProvisionedThroughputExceededException',
]);

/** Temporary credentials that expired, a clock that drifted: the SDK recovers on the next attempt. */
const EXPIRED_CREDENTIALS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'IDPCommunicationError',
]);

/** The generic names; a service's own (`InvalidInstanceID.NotFound`) stay with that service. */
const NOT_FOUND = new Set(['NotFoundException', 'NotFound', 'ResourceNotFoundException', 'ResourceNotFound']);

const NOT_AUTHORIZED = new Set([
  'AuthorizationErrorException',
  'AuthorizationError',
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
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
  'AuthFailure',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'InvalidSecurityException',
  'InvalidSecurity',
]);

const INVALID_REQUEST = new Set([
  'InvalidParameterException',
  'InvalidParameter',
  'InvalidParameterValueException',
  'InvalidParameterValue',
  'ValidationException',
  'ValidationError',
]);

const SERVER = new Set([
  'InternalErrorException',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'Unavailable',
]);

const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

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

/** What an SDK (or socket) error tells, whatever was thrown. */
export interface AwsErrorFacts {
  /** The AWS error code (`ThrottlingException`, `InvalidInstanceID.NotFound`), or the JS error's name. */
  readonly name: string;
  /** Unredacted: pass it through `redactDetail` before it goes anywhere. */
  readonly message: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  /** A socket or DNS code (`ECONNRESET`), on the error or its cause. */
  readonly code: string | undefined;
  readonly fault: 'client' | 'server' | undefined;
  /** The SDK marked it a throttling error (`$retryable.throttling`). */
  readonly throttling: boolean;
  /** The service model marks it retryable (`$retryable` present). */
  readonly sdkRetryable: boolean;
}

type Fields = Record<string, unknown>;

function fieldsOf(value: unknown): Fields {
  return typeof value === 'object' && value !== null ? (value as Fields) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function awsErrorFacts(error: unknown): AwsErrorFacts {
  const fields = fieldsOf(error);
  const metadata = fieldsOf(fields.$metadata);
  const retryable = fields.$retryable;
  const fault = fields.$fault;
  const status = metadata.httpStatusCode;
  return {
    name: text(fields.name) ?? typeof error,
    message: text(fields.message) ?? '',
    status: typeof status === 'number' ? status : undefined,
    requestId: text(metadata.requestId),
    code: text(fields.code) ?? text(fieldsOf(fields.cause).code),
    fault: fault === 'client' || fault === 'server' ? fault : undefined,
    throttling: fieldsOf(retryable).throttling === true,
    sdkRetryable: typeof retryable === 'object' && retryable !== null,
  };
}

/**
 * What kind of failure, checked in this order (the first that fits): `aborted` (the caller's signal
 * fired), `throttled`, `expired-credentials`, `not-found`, `not-authorized`, `opt-in-required`,
 * `kms` (a KMS key the caller cannot use), `bad-credentials`, `invalid-request`, `server` (AWS's
 * fault, 5xx), `timeout`, `network`, `no-credentials` (none could be loaded), `client` (any other
 * 4xx), `unknown` (no status: not an answer from AWS).
 */
export type AwsErrorKind =
  | 'aborted'
  | 'throttled'
  | 'expired-credentials'
  | 'not-found'
  | 'not-authorized'
  | 'opt-in-required'
  | 'kms'
  | 'bad-credentials'
  | 'invalid-request'
  | 'server'
  | 'timeout'
  | 'network'
  | 'no-credentials'
  | 'client'
  | 'unknown';

/** Failures a later attempt of the same call may get past. */
const TRANSIENT: ReadonlySet<AwsErrorKind> = new Set<AwsErrorKind>([
  'aborted',
  'throttled',
  'expired-credentials',
  'server',
  'timeout',
  'network',
  // Missing configuration, or an instance-metadata hiccup: giving up would lose the call for good.
  'no-credentials',
  // Not an answer from AWS (a 3xx, a bug in a middleware): nothing says it will fail again.
  'unknown',
]);

export interface AwsErrorVerdict {
  readonly kind: AwsErrorKind;
  readonly retryable: boolean;
  readonly facts: AwsErrorFacts;
}

function kindOf(facts: AwsErrorFacts, aborted: boolean): AwsErrorKind {
  const { name, status, code } = facts;
  if (aborted || name === 'AbortError') return 'aborted';
  if (THROTTLING.has(name) || facts.throttling || status === 429) return 'throttled';
  if (EXPIRED_CREDENTIALS.has(name)) return 'expired-credentials';
  if (NOT_FOUND.has(name)) return 'not-found';
  if (NOT_AUTHORIZED.has(name)) return 'not-authorized';
  if (name === 'OptInRequired') return 'opt-in-required';
  if (KMS.has(name)) return 'kms';
  if (BAD_CREDENTIALS.has(name)) return 'bad-credentials';
  if (INVALID_REQUEST.has(name)) return 'invalid-request';
  if (SERVER.has(name) || (status !== undefined && status >= 500) || facts.fault === 'server')
    return 'server';
  if (TIMEOUT_NAMES.has(name) || status === 408 || code === 'ETIMEDOUT') return 'timeout';
  if (code !== undefined && NETWORK_CODES.has(code)) return 'network';
  if (name === 'CredentialsProviderError') return 'no-credentials';
  if (status !== undefined && status >= 400) return 'client';
  return 'unknown';
}

/**
 * Classifies what an AWS SDK call threw. `aborted`: the caller's signal fired (its deadline or a
 * shutdown), which says nothing about AWS, so the call is worth making again.
 */
export function classifyAwsError(error: unknown, aborted = false): AwsErrorVerdict {
  const facts = awsErrorFacts(error);
  const kind = kindOf(facts, aborted);
  return { kind, retryable: TRANSIENT.has(kind), facts };
}

/** `Name` or `Name, HTTP 403`: how reasons name an error. */
export function describeAwsError(facts: Pick<AwsErrorFacts, 'name' | 'status'>): string {
  return facts.status === undefined ? facts.name : `${facts.name}, HTTP ${facts.status}`;
}

/** Any run this long of base64 (secret access keys are 40, session tokens hundreds). */
const BASE64_RUN = /[A-Za-z0-9/+=]{40,}/g;
/** Base64url and hex blobs: longer, so that ARNs and role paths with hyphens stay readable. */
const TOKEN_RUN = /[A-Za-z0-9/+=_-]{60,}/g;
/** IAM unique-id prefixes: access keys (AKIA, ASIA), users, roles, groups, policies, certificates. */
const KEY_ID = /(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|APKA|ABIA|ACCA)[A-Z0-9]{12,}/g;
/** SigV4 fields, in a query string (`X-Amz-Signature=`), a header (`Credential=`) or a canonical request. */
const SIGNED_FIELD =
  /(X-Amz-Security-Token|X-Amz-Credential|X-Amz-Signature|Credential|Signature)(\s*[=:]\s*)[^\s,&]+/gi;
/** STS's encoded authorization failure: decodable into the caller's policy context. */
const ENCODED_AUTHORIZATION = /Encoded authorization failure message:\s*\S+/gi;

/**
 * A message with every secret-looking part replaced by `[redacted]`: signed-request fields and
 * tokens, encoded authorization messages, long base64 runs (secret keys, session tokens,
 * signatures), and IAM key ids even inside other words. Layout is left as it is.
 */
export function redactSecrets(message: string): string {
  return message
    .replace(SIGNED_FIELD, '$1$2[redacted]')
    .replace(ENCODED_AUTHORIZATION, 'Encoded authorization failure message: [redacted]')
    .replace(TOKEN_RUN, '[redacted]')
    .replace(BASE64_RUN, '[redacted]')
    .replace(KEY_ID, '[redacted]');
}

/** A message made safe for a reason: secrets redacted, on one line, at most `maxLength` characters. */
export function redactDetail(message: string, maxLength: number): string {
  const redacted = redactSecrets(message).replace(/\s+/g, ' ').trim();
  return redacted.length > maxLength ? `${redacted.slice(0, maxLength - 3)}...` : redacted;
}
