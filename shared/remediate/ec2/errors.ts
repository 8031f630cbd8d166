/**
 * What a failed EC2 call means for a remediation: worth trying again (throttling, a machine in
 * transition, 5xx, network) or not (no permission, no such instance). Reasons name the instance and
 * the IAM action, never credentials.
 */

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'TooManyRequestsException',
]);
const UNAUTHORIZED = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException']);
const NOT_FOUND = new Set(['InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed', 'InvalidInstanceID']);
const TRANSIENT_AUTH = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
const BAD_CREDENTIALS = new Set([
  'AuthFailure',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'OptInRequired',
]);
const SERVER = new Set(['InternalError', 'InternalFailure', 'ServiceUnavailable', 'Unavailable']);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

export interface Ec2ErrorFacts {
  readonly name: string;
  readonly message: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly code: string | undefined;
  readonly throttling: boolean;
  readonly server: boolean;
}

export function ec2ErrorFacts(error: unknown): Ec2ErrorFacts {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const metadata = (fields.$metadata ?? {}) as { httpStatusCode?: unknown; requestId?: unknown };
  const retryable = fields.$retryable as { throttling?: unknown } | undefined;
  const cause = fields.cause as { code?: unknown } | undefined;
  const code = typeof fields.code === 'string' ? fields.code : cause?.code;
  return {
    name: typeof fields.name === 'string' ? fields.name : typeof error,
    message: typeof fields.message === 'string' ? fields.message : '',
    status: typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined,
    requestId: typeof metadata.requestId === 'string' ? metadata.requestId : undefined,
    code: typeof code === 'string' ? code : undefined,
    throttling: retryable?.throttling === true,
    server: fields.$fault === 'server',
  };
}

/** The service's message on one line, without encoded authorization blobs or key ids, capped. */
function detail(message: string): string {
  const cleaned = message
    .replace(
      /Encoded authorization failure message:\s*\S+/gi,
      'Encoded authorization failure message: [omitted]',
    )
    .replace(/\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g, '[redacted]')
    .replace(/[A-Za-z0-9/+=_-]{60,}/g, '[omitted]')
    .replace(/\s+/g, ' ')
    .trim();
  if (!cleaned) return '';
  return `: ${cleaned.length > 240 ? `${cleaned.slice(0, 237)}...` : cleaned}`;
}

export type Ec2ErrorOutcome =
  | { readonly kind: 'unauthorized'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string; readonly retryable: boolean };

/**
 * `action` is the EC2 API name (`RebootInstances`), `subject` what it was called on (`instance
 * i-0abc...`); `aborted`: the caller's signal fired.
 */
export function outcomeOfEc2Error(
  error: unknown,
  action: string,
  subject: string,
  aborted = false,
): Ec2ErrorOutcome {
  const facts = ec2ErrorFacts(error);
  const { name, status } = facts;
  const what = status === undefined ? name : `${name}, HTTP ${status}`;
  if (aborted || name === 'AbortError') {
    return {
      kind: 'failed',
      retryable: true,
      reason: `${action} on ${subject} was aborted before EC2 answered`,
    };
  }
  if (THROTTLING.has(name) || facts.throttling || status === 429) {
    return { kind: 'failed', retryable: true, reason: `EC2 throttled ${action} on ${subject} (${what})` };
  }
  if (UNAUTHORIZED.has(name)) {
    return {
      kind: 'unauthorized',
      reason:
        `not authorized to call ec2:${action} on ${subject} (${what}): allow ec2:${action} for the ` +
        `monitor's role (with any tag condition matching the instance's tags)${detail(facts.message)}`,
    };
  }
  if (name === 'IncorrectInstanceState') {
    return {
      kind: 'failed',
      retryable: true,
      reason: `${subject} is not in a state that allows ${action} (${what})${detail(facts.message)}`,
    };
  }
  if (NOT_FOUND.has(name)) {
    return { kind: 'failed', retryable: false, reason: `${subject} does not exist (${what})` };
  }
  if (TRANSIENT_AUTH.has(name)) {
    return { kind: 'failed', retryable: true, reason: `AWS refused the request signature for now (${name})` };
  }
  if (BAD_CREDENTIALS.has(name)) {
    return {
      kind: 'failed',
      retryable: false,
      reason: `AWS rejected the monitor's credentials calling ec2:${action} (${what}): check the role it runs with`,
    };
  }
  if (SERVER.has(name) || facts.server || (status !== undefined && status >= 500)) {
    return { kind: 'failed', retryable: true, reason: `EC2 failed ${action} on ${subject} (${what})` };
  }
  if (facts.code !== undefined && NETWORK.has(facts.code)) {
    return { kind: 'failed', retryable: true, reason: `could not reach EC2 for ${action} (${facts.code})` };
  }
  if (name === 'TimeoutError' || name === 'CredentialsProviderError') {
    return { kind: 'failed', retryable: true, reason: `${action} on ${subject} failed for now (${name})` };
  }
  return {
    kind: 'failed',
    retryable: status === undefined || status < 400,
    reason: `${action} on ${subject} failed (${what})${detail(facts.message)}`,
  };
}
