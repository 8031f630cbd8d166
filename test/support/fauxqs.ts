import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message as SqsMessage,
} from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Fake credentials: fauxqs does not check signatures. Tests look for them in reasons. */
export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIAFAUXQSTESTKEY000',
  secretAccessKey: 'fauxqsTestSecretKey0000000000000000000000',
  sessionToken: 'fauxqsTestSessionToken000000000000000000000000000000000000',
} as const;

export const TEST_REGION = 'us-east-1';

/** The JSON an SQS queue receives from a subscription without raw delivery. */
export interface SnsEnvelope {
  readonly Type: string;
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Subject: string | null;
  readonly Message: string;
  readonly Timestamp: string;
  readonly MessageAttributes?: Readonly<Record<string, { readonly Type: string; readonly Value: string }>>;
}

/** One SQS message as read back: its body, its SQS message attributes and the FIFO fields. */
export interface ReceivedMessage {
  readonly body: string;
  /** SQS message attributes (set by SNS only with raw delivery), name -> string value. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly groupId?: string;
  readonly deduplicationId?: string;
}

export interface TestQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  /** Every message in the queue now (deleted once read), oldest first. */
  drain(): Promise<ReceivedMessage[]>;
  /** drain(), each body parsed as an SNS envelope (subscriptions without raw delivery). */
  drainEnvelopes(): Promise<Array<SnsEnvelope & Pick<ReceivedMessage, 'groupId' | 'deduplicationId'>>>;
}

export interface SubscribeOptions {
  /** RawMessageDelivery: the body is the message itself, attributes become SQS attributes. @default false */
  readonly raw?: boolean;
  /** A subscription filter policy (on message attributes). */
  readonly filterPolicy?: Readonly<Record<string, unknown>>;
}

export interface TestSns {
  readonly server: FauxqsServer;
  readonly endpoint: string;
  /** An SNS client on the emulator (one attempt: the delivery stage retries, not the SDK). */
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  /** Creates a topic (a FIFO one when the name ends in `.fifo`) and returns its ARN. */
  createTopic(name: string): Promise<string>;
  /** Creates a queue (FIFO for a FIFO topic) subscribed to the topic. */
  subscribeQueue(topicArn: string, queueName: string, options?: SubscribeOptions): Promise<TestQueue>;
  /** An ARN of this emulator's account and region for a topic that does not exist. */
  missingTopicArn(name: string): string;
  /** Another SNS client on the emulator, with other settings. */
  snsClient(overrides?: { readonly endpoint?: string; readonly maxAttempts?: number }): SNSClient;
  close(): Promise<void>;
}

/** fauxqs in process on 127.0.0.1 (any free port), with clients pointed at it. */
export async function startTestSns(): Promise<TestSns> {
  const server = await startFauxqs({ port: 0, logger: false, messageSpies: true, host: '127.0.0.1' });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const config = { endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  const clients: SNSClient[] = [];
  const snsClient = (overrides: { endpoint?: string; maxAttempts?: number } = {}) => {
    const client = new SNSClient({ ...config, ...overrides });
    clients.push(client);
    return client;
  };
  const sns = snsClient();
  const sqs = new SQSClient(config);
  let account = '000000000000';

  const queueOf = (name: string, url: string, arn: string): TestQueue => {
    const drain = async (): Promise<ReceivedMessage[]> => {
      const received: ReceivedMessage[] = [];
      for (;;) {
        const answer = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
          }),
        );
        const messages = answer.Messages ?? [];
        if (messages.length === 0) return received;
        received.push(...messages.map(readBack));
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: messages.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle ?? '',
            })),
          }),
        );
      }
    };
    return {
      name,
      url,
      arn,
      drain,
      drainEnvelopes: async () =>
        (await drain()).map((message) => ({
          ...(JSON.parse(message.body) as SnsEnvelope),
          ...(message.groupId === undefined ? {} : { groupId: message.groupId }),
          ...(message.deduplicationId === undefined ? {} : { deduplicationId: message.deduplicationId }),
        })),
    };
  };

  return {
    server,
    endpoint,
    sns,
    sqs,
    createTopic: async (name) => {
      const fifo = name.endsWith('.fifo');
      const created = await sns.send(
        new CreateTopicCommand({ Name: name, ...(fifo ? { Attributes: { FifoTopic: 'true' } } : {}) }),
      );
      if (!created.TopicArn) throw new Error(`fauxqs created topic ${name} without an ARN`);
      account = created.TopicArn.split(':')[4] ?? account;
      return created.TopicArn;
    },
    subscribeQueue: async (topicArn, queueName, options = {}) => {
      const fifo = topicArn.endsWith('.fifo');
      const name = fifo && !queueName.endsWith('.fifo') ? `${queueName}.fifo` : queueName;
      const created = await sqs.send(
        new CreateQueueCommand({ QueueName: name, ...(fifo ? { Attributes: { FifoQueue: 'true' } } : {}) }),
      );
      const url = created.QueueUrl;
      if (!url) throw new Error(`fauxqs created queue ${name} without a URL`);
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
      );
      const arn = attributes.Attributes?.QueueArn;
      if (!arn) throw new Error(`fauxqs queue ${name} has no ARN`);
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: arn,
          Attributes: {
            RawMessageDelivery: options.raw ? 'true' : 'false',
            ...(options.filterPolicy ? { FilterPolicy: JSON.stringify(options.filterPolicy) } : {}),
          },
        }),
      );
      return queueOf(name, url, arn);
    },
    missingTopicArn: (name) => `arn:aws:sns:${TEST_REGION}:${account}:${name}`,
    snsClient,
    close: async () => {
      for (const client of clients) client.destroy();
      sqs.destroy();
      await server.stop();
    },
  };
}

function readBack(message: SqsMessage): ReceivedMessage {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    if (value.StringValue !== undefined) attributes[name] = value.StringValue;
  }
  const groupId = message.Attributes?.MessageGroupId;
  const deduplicationId = message.Attributes?.MessageDeduplicationId;
  return {
    body: message.Body ?? '',
    attributes,
    ...(groupId === undefined ? {} : { groupId }),
    ...(deduplicationId === undefined ? {} : { deduplicationId }),
  };
}
