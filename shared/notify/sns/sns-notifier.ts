import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { DeliveryOutcome, Notification, Notifier } from '../notifier.ts';
import { outcomeOfPublishError } from './publish-errors.ts';
import { buildPublishInput } from './publish-input.ts';

export interface SnsNotifierOptions {
  /** The configured channel name (`pager-sns`...). */
  readonly channel: string;
  /** The topic to publish to; a FIFO topic when it ends in `.fifo`. */
  readonly topicArn: string;
  /**
   * A client for the topic's region, built by the caller. Its own retries add to the delivery
   * stage's: `maxAttempts: 1` leaves retrying to the stage.
   */
  readonly client: SNSClient;
}

/** `arn:<partition>:sns:<region>:<account>:<name>`. */
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/**
 * Publishes each notification to one SNS topic: a subject for email, a text per protocol
 * (`MessageStructure: 'json'`) and attributes for subscription filter policies. `delivered`
 * carries the SNS MessageId as `thread`.
 */
export class SnsNotifier implements Notifier {
  readonly channel: string;
  readonly topicArn: string;
  readonly #client: SNSClient;

  constructor(options: SnsNotifierOptions) {
    if (!TOPIC_ARN.test(options.topicArn)) {
      throw new TypeError(`channel ${options.channel}: "${options.topicArn}" is not an SNS topic ARN`);
    }
    this.channel = options.channel;
    this.topicArn = options.topicArn;
    this.#client = options.client;
  }

  async send(notification: Notification, signal: AbortSignal): Promise<DeliveryOutcome> {
    const input = buildPublishInput(notification, this.topicArn);
    try {
      const output = await this.#client.send(new PublishCommand(input), { abortSignal: signal });
      return output.MessageId ? { kind: 'delivered', thread: output.MessageId } : { kind: 'delivered' };
    } catch (error) {
      return outcomeOfPublishError(error, this.topicArn, signal.aborted);
    }
  }
}
