import { classifyAwsError, describeAwsError, redactDetail } from '../../aws/errors.ts';

/**
 * What a failed EC2 call means for a remediation, in EC2's words: the shared classifier decides
 * retry or not, except for the instance's own codes below. Reasons name the instance and the IAM
 * action, never credentials.
 */

/** The instance id names no instance (or is not an instance id): asking again changes nothing. */
const INSTANCE_NOT_FOUND = new Set([
  'InvalidInstanceID.NotFound',
  'InvalidInstanceID.Malformed',
  'InvalidInstanceID',
]);

/** A restart asked of an instance in transition (stopping, pending): it allows it once settled. */
const INCORRECT_STATE = 'IncorrectInstanceState';

const MAX_DETAIL = 240;

function detail(message: string): string {
  const cleaned = redactDetail(message, MAX_DETAIL);
  return cleaned ? `: ${cleaned}` : '';
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
  const { kind, retryable, facts } = classifyAwsError(error, aborted);
  const { name } = facts;
  const what = describeAwsError(facts);
  const failed = (reason: string, retry = retryable): Ec2ErrorOutcome => ({
    kind: 'failed',
    retryable: retry,
    reason,
  });
  if (kind === 'aborted') return failed(`${action} on ${subject} was aborted before EC2 answered`);
  if (kind === 'throttled') return failed(`EC2 throttled ${action} on ${subject} (${what})`);
  if (kind === 'not-authorized') {
    return {
      kind: 'unauthorized',
      reason:
        `not authorized to call ec2:${action} on ${subject} (${what}): allow ec2:${action} for the ` +
        `monitor's role (with any tag condition matching the instance's tags)${detail(facts.message)}`,
    };
  }
  if (name === INCORRECT_STATE) {
    return failed(
      `${subject} is not in a state that allows ${action} (${what})${detail(facts.message)}`,
      true,
    );
  }
  if (INSTANCE_NOT_FOUND.has(name)) return failed(`${subject} does not exist (${what})`, false);
  switch (kind) {
    case 'expired-credentials':
      return failed(`AWS refused the request signature for now (${name})`);
    case 'bad-credentials':
    case 'opt-in-required':
      return failed(
        `AWS rejected the monitor's credentials calling ec2:${action} (${what}): check the role it runs with`,
      );
    case 'server':
      return failed(`EC2 failed ${action} on ${subject} (${what})`);
    case 'timeout':
    case 'network':
      return facts.code === undefined
        ? failed(`${action} on ${subject} failed for now (${name})`)
        : failed(`could not reach EC2 for ${action} (${facts.code})`);
    case 'no-credentials':
      return failed(`${action} on ${subject} failed for now (${name})`);
    default:
      return failed(`${action} on ${subject} failed (${what})${detail(facts.message)}`);
  }
}
