import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CLUSTER_TAG_KEY } from '../shared/remediate/configured-executor.ts';
import { MANAGED_TAG } from '../shared/remediate/ec2/find-instance.ts';

/** The actions that change an instance: only the remediate function has them. */
export const EC2_MUTATE_ACTIONS = ['ec2:RebootInstances', 'ec2:StartInstances', 'ec2:StopInstances'] as const;

/** The permission an EC2 condition key checks for the opt-in tag. */
export const MANAGED_TAG_CONDITION_KEY = `ec2:ResourceTag/${MANAGED_TAG.key}`;

/** The permission an EC2 condition key checks for the cluster tag. */
export const CLUSTER_TAG_CONDITION_KEY = `ec2:ResourceTag/${CLUSTER_TAG_KEY}`;

/** Whose instances the remediate function may restart: the clusters' tags, in their regions. */
export interface RestartScope {
  readonly clusterTags: readonly string[];
  readonly regions: readonly string[];
}

/**
 * Restart only instances of this account that carry the opt-in tag and the tag of a cluster whose
 * remediation is enabled, in the regions of those clusters (a cluster's `remediation.ec2.region` may
 * differ from the stack's).
 */
export function ec2RestartStatement(scope: RestartScope): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'RestartManagedInstances',
    actions: [...EC2_MUTATE_ACTIONS],
    resources: [`arn:${Aws.PARTITION}:ec2:*:${Aws.ACCOUNT_ID}:instance/*`],
    conditions: {
      StringEquals: {
        [MANAGED_TAG_CONDITION_KEY]: MANAGED_TAG.value,
        [CLUSTER_TAG_CONDITION_KEY]: [...scope.clusterTags],
        'aws:RequestedRegion': [...scope.regions],
      },
    },
  });
}

/**
 * ec2:DescribeInstances and ec2:DescribeInstanceStatus support no resource-level permissions or tag
 * conditions (the Service Authorization Reference lists no resource type for them), so `*` is the only
 * resource that works. They read, never change.
 */
export function ec2DescribeStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'FindInstances',
    actions: ['ec2:DescribeInstances', 'ec2:DescribeInstanceStatus'],
    resources: ['*'],
  });
}

/**
 * GetSecretValue on the given secrets. A configuration may name a secret by its partial ARN (without
 * the six random characters Secrets Manager appends), which IAM matches only with `-??????`.
 */
export function readSecretsStatement(arns: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ReadSecrets',
    actions: ['secretsmanager:GetSecretValue'],
    resources: arns.flatMap((arn) => (arn.startsWith('arn:') ? [arn, `${arn}-??????`] : [arn])),
  });
}

/**
 * What the functions call on the table, and nothing else: items read and written one at a time or in
 * a transaction (whose items need PutItem, UpdateItem, DeleteItem and ConditionCheckItem), and
 * queries of one cluster's items. No Scan (only the CLI lists clusters), no batch calls, no streams,
 * no table management.
 */
export const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:Query',
] as const;

export function tableStatement(tableArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'UseTable', actions: [...TABLE_ACTIONS], resources: [tableArn] });
}

export function publishStatement(topicArns: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'Publish', actions: ['sns:Publish'], resources: [...topicArns] });
}

/**
 * What a publisher to a topic encrypted with a customer key needs (SNS asks KMS for a data key on its
 * behalf). Written out because the CDK grant uses `kms:GenerateDataKey*`.
 */
export function topicKeyStatement(keyArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'EncryptForTopics',
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: [keyArn],
  });
}

export function readParameterStatement(parameterArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ReadConfiguration',
    actions: ['ssm:GetParameter'],
    resources: [parameterArn],
  });
}

/**
 * The optional SSM check of a node (`remediation.ec2.serviceUnit`): run the construct's own document
 * (it can only run `systemctl is-active` on a configured unit), only on instances carrying the opt-in
 * tag, and read the result. ssm:GetCommandInvocation supports no resource-level permissions, so it
 * is on `*`; it reads, never changes.
 */
export function ssmServiceCheckStatements(documentArn: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'RunServiceCheckDocument',
      actions: ['ssm:SendCommand'],
      resources: [documentArn],
    }),
    new iam.PolicyStatement({
      sid: 'RunServiceCheckOnManagedInstances',
      actions: ['ssm:SendCommand'],
      resources: [`arn:${Aws.PARTITION}:ec2:*:${Aws.ACCOUNT_ID}:instance/*`],
      conditions: { StringEquals: { [`ssm:resourceTag/${MANAGED_TAG.key}`]: MANAGED_TAG.value } },
    }),
    new iam.PolicyStatement({
      sid: 'ReadServiceCheck',
      actions: ['ssm:GetCommandInvocation'],
      resources: ['*'],
    }),
  ];
}
