import {
  type AwsErrorFacts,
  type AwsErrorKind,
  classifyAwsError,
  describeAwsError,
  redactDetail as redactAwsDetail,
} from '../../aws/errors.ts';
import type { DeliveryOutcome } from '../notifier.ts';

/**
 * What a failed Publish means, in SNS's words: the shared classifier decides retry or not; reasons
 * name the topic ARN (not a secret) and never carry credentials.
 */

const MAX_DETAIL = 300;

/** A service message made safe for a reason: secrets removed, one line, at most 300 characters. */
export function redactDetail(message: string): string {
  return redactAwsDetail(message, MAX_DETAIL);
}

function detail(facts: AwsErrorFacts): string {
  const message = redactDetail(facts.message);
  return message ? `: ${message}` : '';
}

/**
 * The outcome of a Publish to `topicArn` that threw `error`. `aborted`: the caller's signal fired
 * (its deadline or a shutdown), which is never a reason to give up on the message.
 */
export function outcomeOfPublishError(error: unknown, topicArn: string, aborted = false): DeliveryOutcome {
  const { kind, retryable, facts } = classifyAwsError(error, aborted);
  const reason = reasonOf(kind, facts, `SNS topic ${topicArn}`);
  return retryable ? { kind: 'retry', reason } : { kind: 'failed', reason };
}

function reasonOf(kind: AwsErrorKind, facts: AwsErrorFacts, topic: string): string {
  const { name } = facts;
  const what = describeAwsError(facts);
  switch (kind) {
    case 'aborted':
      return `publishing to ${topic} was aborted before SNS answered`;
    case 'throttled':
      return `SNS throttled publishing to ${topic} (${what})`;
    case 'expired-credentials':
      return `AWS refused the request signature for ${topic} for now (${name})`;
    case 'not-found':
      return `${topic} does not exist (${what}): check the channel's topicArn, its account and region`;
    case 'not-authorized':
    case 'opt-in-required':
      return `not authorized to publish to ${topic} (${what}): allow sns:Publish on it for the monitor's role${detail(facts)}`;
    case 'kms':
      return `${topic} is encrypted with a KMS key the monitor cannot use (${what}): allow kms:GenerateDataKey* and kms:Decrypt on the key, and check that it is enabled${detail(facts)}`;
    case 'bad-credentials':
      return `AWS rejected the monitor's credentials publishing to ${topic} (${what}): check the access key or role the monitor runs with`;
    case 'invalid-request':
      return `SNS rejected the publish to ${topic} (${what})${detail(facts)}`;
    case 'server':
      return `SNS failed publishing to ${topic} (${what})`;
    case 'timeout':
      return `publishing to ${topic} timed out (${facts.code ?? what})`;
    case 'network':
      return `could not reach SNS to publish to ${topic} (${facts.code})`;
    case 'no-credentials':
      return `no AWS credentials could be loaded to publish to ${topic} (${name})`;
    case 'client':
      return `SNS refused the publish to ${topic} (${what})${detail(facts)}`;
    case 'unknown':
      return `publishing to ${topic} failed unexpectedly (${what})${detail(facts)}`;
  }
}
