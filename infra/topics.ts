import { Aws, Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * The alarm topic and the internal remediation topic, encrypted with one customer key. A customer key,
 * not alias/aws/sns: CloudWatch alarms can publish to an encrypted topic only if the key policy lets
 * them, and the AWS managed key's policy cannot be changed.
 */
export class MonitorTopics extends Construct {
  readonly key: kms.Key;
  readonly alarmTopic: sns.Topic;
  readonly remediationTopic: sns.Topic;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'dremio-ha-monitor: encrypts the alarm and remediation topics',
      enableKeyRotation: true,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'], // in a key policy, `*` is this key
        // Only for alarms of this account: CloudWatch acting for anyone else gets nothing.
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'dremio-ha-monitor alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    // The topic policy enforceSSL creates replaces SNS's default one, so CloudWatch is let in by name.
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
          },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );

    this.remediationTopic = new sns.Topic(this, 'RemediationTopic', {
      displayName: 'dremio-ha-monitor remediation requests',
      masterKey: this.key,
      enforceSSL: true,
    });
  }
}

/** A dead-letter queue: encrypted, TLS only, kept the longest SQS allows, for a person to read. */
export function deadLetterQueue(scope: Construct, id: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself a dead-letter queue; an alarm fires on its first message.',
  });
  return queue;
}
