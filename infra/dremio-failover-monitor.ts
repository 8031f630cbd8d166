import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import {
  ENV,
  METRIC_NAMESPACE,
  METRIC_SETS,
  type MetricSet,
  REMEDIATION_FILTER,
  SERVICE_NAME,
} from '../functions/contract.ts';
import type { AwsConfig } from '../shared/config/index.ts';
import { TTL_ATTRIBUTE } from '../shared/record/items.ts';
import { MonitorAlarms } from './alarms.ts';
import { MonitorDashboard } from './dashboard.ts';
import { monitorFunction } from './functions.ts';
import { MonitorNetwork } from './network.ts';
import * as permissions from './permissions.ts';
import { MonitorSchedules } from './schedules.ts';
import { deadLetterQueue, MonitorTopics } from './topics.ts';

/** A cluster as the infrastructure sees it: a name, and where the functions must be able to connect. */
export interface MonitoredCluster {
  /** The cluster's name: one schedule, one heartbeat alarm and one dashboard line each. */
  readonly name: string;
  /** Client ports of its ZooKeeper servers (egress of the created security group). */
  readonly zookeeperPorts: readonly number[];
  /** Ports of its coordinators' web servers (egress of the created security group). */
  readonly webPorts: readonly number[];
  /**
   * Present when the cluster's remediation is enabled: the value of its instances'
   * `dremio-ha-monitor:cluster` tag and their region (default the stack's). Only such instances can
   * be restarted.
   */
  readonly remediation?: { readonly clusterTag: string; readonly region?: string };
}

export interface DremioFailoverMonitorProps {
  /** The clusters to watch; names unique. `propsFromConfig` derives them from a configuration. */
  readonly clusters: readonly MonitoredCluster[];
  /** The configuration file's text, stored in SSM for the functions (at most 8 KB: SSM's advanced tier). */
  readonly configText: string;
  /** @default '/dremio-ha-monitor/config' */
  readonly configParameterName?: string;
  /** @default - a name CloudFormation generates */
  readonly tableName?: string;
  /**
   * A customer-managed KMS key for the table (the audit log). The functions are granted its use.
   * @default - DynamoDB's AWS-owned key
   */
  readonly tableEncryptionKey?: kms.IKey;
  /** poll: one observation per invocation; watch: hold a ZooKeeper watch for `watchMs`. @default 'poll' */
  readonly mode?: AwsConfig['mode'];
  /** Every cluster's function is invoked every this many minutes (1 to 60). @default 1 */
  readonly scheduleMinutes?: number;
  /**
   * watch mode: how long one invocation watches; poll mode: how long an invocation that finds the
   * cluster in motion (a silent master, no master, a failing coordinator) stays to watch it settle.
   * The function's timeout is this plus 20 s. @default the schedule interval plus 5 s
   */
  readonly watchMs?: number;
  /** watch mode: a full observation every this often. @default 10000 */
  readonly intervalMs?: number;
  /** The VPC of ZooKeeper and the coordinators: both functions run in it. */
  readonly vpc: ec2.IVpc;
  /** @default - the VPC's private subnets with egress */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** @default - one is created, with egress only to the clusters' ZooKeeper and web ports and to 443 */
  readonly securityGroups?: readonly ec2.ISecurityGroup[];
  /** Create VPC endpoints: DynamoDB (gateway; the subnets' route tables must be known), SNS, EC2, SSM and Secrets Manager (interface). @default false */
  readonly vpcEndpoints?: boolean;
  /** SNS topics of the configuration's channels, which the monitor may publish to. @default [] */
  readonly notificationTopicArns?: readonly string[];
  /** Secrets Manager secrets the configuration references, which the monitor may read. @default [] */
  readonly secretArns?: readonly string[];
  /** Addresses subscribed to the alarm topic. @default [] */
  readonly alarmEmails?: readonly string[];
  /**
   * The systemd units of the clusters that check the Dremio service through Systems Manager
   * (`remediation.ec2.serviceUnit`): the construct creates a Command document that can only run
   * `systemctl is-active` on one of them, and the remediate function may run it on managed instances
   * of the stack's region. @default none
   */
  readonly serviceUnits?: readonly string[];
  /**
   * Memory of the monitor function, in MB (128 to 10240; it also sets the CPU share). Sized from
   * `npm run bench -- function-memory` (docs/operations.md, Memory).
   * @default 128 in watch mode (it runs all minute: memory is most of its cost), 192 in poll mode
   */
  readonly monitorMemoryMb?: number;
  /** Memory of the remediate function, in MB (128 to 10240): the EC2 client is large. @default 256 */
  readonly remediateMemoryMb?: number;
  /**
   * `minimal`: only the metrics the alarms watch (the heartbeat; delivery and remediation failures
   * when there are any), one custom metric per cluster in a quiet month. `full`: also master up,
   * coordinators up, executors, ZooKeeper servers serving, probe duration and events by type, which
   * the dashboard charts. @default 'minimal'
   */
  readonly metrics?: MetricSet;
  /**
   * Serve Slack's Acknowledge clicks: an interactions function behind a Lambda function URL (no IAM
   * auth: Slack's signature is the gate), at most `reservedConcurrency` at once. It can read and
   * write the table, read the configuration and the channels' secrets, and publish to the
   * notification topics: it acknowledges and delivers, and can restart nothing. Set from the
   * configuration when a slack-bot channel has a signingSecret. @default false
   */
  readonly slackInteractions?: boolean;
  /**
   * TCP ports of the channels' endpoints other than 443 (an Alertmanager on 9093, a webhook on 8443),
   * which the created security group lets the functions reach. @default []
   */
  readonly channelPorts?: readonly number[];
}

/** How many interactions functions may run at once: clicks are rare; a flood is throttled, not paid for. */
export const INTERACTIONS_CONCURRENCY = 5;

/** Defaults of the functions' memory (MB), from bench/function-memory.ts; docs/operations.md has the figures. */
export const DEFAULT_MEMORY_MB = { poll: 192, watch: 128, remediate: 256, interactions: 256 } as const;

/**
 * The only command the remediate function may run on an instance: `systemctl is-active <unit>`, the
 * unit one of the configured ones (SSM refuses any other value before anything runs).
 */
function serviceCheckDocument(scope: Construct, units: readonly string[]): ssm.CfnDocument {
  return new ssm.CfnDocument(scope, 'ServiceCheckDocument', {
    documentType: 'Command',
    content: {
      schemaVersion: '2.2',
      description: 'dremio-ha-monitor: is the Dremio service active? (systemctl is-active, nothing else)',
      parameters: {
        unit: { type: 'String', description: 'The Dremio systemd unit', allowedValues: [...units] },
      },
      mainSteps: [
        {
          action: 'aws:runShellScript',
          name: 'isActive',
          inputs: { runCommand: ['systemctl is-active {{ unit }}'], timeoutSeconds: '30' },
        },
      ],
    },
  });
}

/** SSM's advanced tier holds 8 KB; the standard tier 4 KB. */
const STANDARD_PARAMETER_BYTES = 4096;
const ADVANCED_PARAMETER_BYTES = 8192;

/**
 * The serverless Dremio HA monitor: one scheduled monitor function per cluster tick, a remediate
 * function fed by an internal SNS topic, the DynamoDB audit log, and alarms on the monitor's own health.
 */
export class DremioFailoverMonitor extends Construct {
  readonly table: dynamodb.Table;
  readonly alarmTopic: sns.Topic;
  readonly remediationTopic: sns.Topic;
  readonly monitorFunction: lambda.Function;
  readonly remediateFunction: lambda.Function;
  /** The interactions function and its URL (Slack's Request URL), when `slackInteractions`. */
  readonly interactionsFunction?: lambda.Function;
  readonly interactionsUrl?: lambda.FunctionUrl;
  readonly slackSecret: secretsmanager.Secret;
  readonly dashboard: cw.Dashboard;
  readonly configParameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: DremioFailoverMonitorProps) {
    super(scope, id);
    const settings = validate(props);
    const clusterNames = props.clusters.map((cluster) => cluster.name);

    this.table = new dynamodb.Table(this, 'Table', {
      ...(props.tableName === undefined ? {} : { tableName: props.tableName }),
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.tableEncryptionKey
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.tableEncryptionKey }
        : {}),
    });

    this.configParameter = new ssm.StringParameter(this, 'Config', {
      parameterName: props.configParameterName ?? '/dremio-ha-monitor/config',
      description: 'dremio-ha-monitor configuration file (YAML or JSON)',
      stringValue: props.configText,
      tier:
        settings.configBytes > STANDARD_PARAMETER_BYTES
          ? ssm.ParameterTier.ADVANCED
          : ssm.ParameterTier.STANDARD,
    });

    const topics = new MonitorTopics(this, 'Topics');
    this.alarmTopic = topics.alarmTopic;
    this.remediationTopic = topics.remediationTopic;

    this.slackSecret = new secretsmanager.Secret(this, 'Slack', {
      description:
        'dremio-ha-monitor: Slack webhook URL or bot token; set its value, then reference its ARN in the configuration',
    });
    // No GenerateSecretString: CloudFormation then creates the secret empty, for a person to fill in.
    (this.slackSecret.node.defaultChild as secretsmanager.CfnSecret).addPropertyDeletionOverride(
      'GenerateSecretString',
    );
    Validations.of(this.slackSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'A Slack webhook URL or bot token is issued by Slack; Secrets Manager cannot rotate it.',
    });

    const network = new MonitorNetwork(this, 'Network', {
      vpc: props.vpc,
      vpcSubnets: settings.vpcSubnets,
      ...(props.securityGroups === undefined ? {} : { securityGroups: props.securityGroups }),
      egressPorts: [
        ...props.clusters.flatMap((cluster) => [...cluster.zookeeperPorts, ...cluster.webPorts]),
        ...(props.channelPorts ?? []),
      ],
      endpoints: props.vpcEndpoints ?? false,
    });
    const placement = {
      vpc: props.vpc,
      vpcSubnets: settings.vpcSubnets,
      securityGroups: network.securityGroups,
    };
    const environment = {
      [ENV.tableName]: this.table.tableName,
      [ENV.configParameter]: this.configParameter.parameterName,
      [ENV.mode]: settings.mode,
      [ENV.watchMs]: String(settings.watchMs),
      [ENV.intervalMs]: String(settings.intervalMs),
      [ENV.metrics]: settings.metrics,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
    };

    this.monitorFunction = monitorFunction(this, 'Monitor', {
      entry: 'monitor',
      description: 'dremio-ha-monitor: observe one cluster, record, notify, plan remediation',
      // Both modes may watch for watchMs: watch always, poll while the cluster is in motion.
      timeout: Duration.millis(settings.watchMs + 20_000),
      environment: { ...environment, [ENV.remediationTopicArn]: this.remediationTopic.topicArn },
      memoryMb: settings.monitorMemoryMb,
      ...placement,
    });
    this.remediateFunction = monitorFunction(this, 'Remediate', {
      entry: 'remediate',
      description: 'dremio-ha-monitor: restart a failed coordinator EC2 instance and verify it rejoined',
      timeout: Duration.minutes(15),
      environment,
      memoryMb: settings.remediateMemoryMb,
      ...placement,
    });

    if (props.slackInteractions) {
      this.interactionsFunction = monitorFunction(this, 'Interactions', {
        entry: 'interactions',
        description: "dremio-ha-monitor: Slack's Acknowledge clicks (acknowledge an incident, nothing else)",
        // Slack waits 3 s for an answer; what is not delivered by then stays in the outbox.
        timeout: Duration.seconds(15),
        environment,
        memoryMb: DEFAULT_MEMORY_MB.interactions,
        reservedConcurrency: INTERACTIONS_CONCURRENCY,
        ...placement,
      });
      this.interactionsUrl = this.interactionsFunction.addFunctionUrl({
        authType: lambda.FunctionUrlAuthType.NONE,
        invokeMode: lambda.InvokeMode.BUFFERED,
      });
      this.interactionsFunction.addToRolePolicy(
        permissions.readSecretsStatement([this.slackSecret.secretArn, ...(props.secretArns ?? [])]),
      );
      if ((props.notificationTopicArns ?? []).length > 0) {
        this.interactionsFunction.addToRolePolicy(
          permissions.publishStatement([...(props.notificationTopicArns ?? [])]),
        );
      }
    }

    for (const fn of [
      this.monitorFunction,
      this.remediateFunction,
      ...(this.interactionsFunction ? [this.interactionsFunction] : []),
    ]) {
      fn.addToRolePolicy(permissions.tableStatement(this.table.tableArn));
      this.table.encryptionKey?.grantEncryptDecrypt(fn);
      fn.addToRolePolicy(permissions.readParameterStatement(this.configParameter.parameterArn));
    }
    this.monitorFunction.addToRolePolicy(
      permissions.publishStatement([this.remediationTopic.topicArn, ...(props.notificationTopicArns ?? [])]),
    );
    this.monitorFunction.addToRolePolicy(permissions.topicKeyStatement(topics.key.keyArn));
    this.monitorFunction.addToRolePolicy(
      permissions.readSecretsStatement([this.slackSecret.secretArn, ...(props.secretArns ?? [])]),
    );
    const restartable = props.clusters.flatMap((cluster) =>
      cluster.remediation ? [cluster.remediation] : [],
    );
    if (restartable.length > 0) {
      this.remediateFunction.addToRolePolicy(
        permissions.ec2RestartStatement({
          clusterTags: [...new Set(restartable.map((one) => one.clusterTag))],
          regions: [...new Set(restartable.map((one) => one.region ?? Aws.REGION))],
        }),
      );
    }
    this.remediateFunction.addToRolePolicy(permissions.ec2DescribeStatement());
    const units = [...new Set(props.serviceUnits ?? [])];
    if (units.length > 0) {
      const document = serviceCheckDocument(this, units);
      this.remediateFunction.addEnvironment(ENV.serviceCheckDocument, document.ref);
      const documentArn = `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:document/${document.ref}`;
      for (const statement of permissions.ssmServiceCheckStatements(documentArn)) {
        this.remediateFunction.addToRolePolicy(statement);
      }
    }
    if (this.remediateFunction.role !== undefined) {
      Validations.of(this.remediateFunction.role).acknowledge(
        {
          id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:*:<AWS::AccountId>:instance/*]',
          reason:
            'Restart any instance of this account that carries dremio-ha-monitor:managed=true (a condition on the statement); the instances are not known when deploying.',
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'ec2:DescribeInstances, ec2:DescribeInstanceStatus (and ssm:GetCommandInvocation) support no resource-level permissions: AWS accepts only *.',
        },
      );
    }

    // The monitor runs again at the next tick: an automatic retry would only overlap it.
    this.monitorFunction.configureAsyncInvoke({ retryAttempts: 0 });
    const scheduleDeadLetters = deadLetterQueue(this, 'ScheduleDeadLetters');
    new MonitorSchedules(this, 'Schedules', {
      clusters: clusterNames,
      scheduleMinutes: settings.scheduleMinutes,
      target: this.monitorFunction,
      deadLetterQueue: scheduleDeadLetters,
    });

    const remediationDeadLetters = deadLetterQueue(this, 'RemediationDeadLetters');
    this.remediationTopic.addSubscription(
      new subscriptions.LambdaSubscription(this.remediateFunction, {
        filterPolicy: {
          eventType: sns.SubscriptionFilter.stringFilter({ allowlist: [...REMEDIATION_FILTER.eventType] }),
        },
        deadLetterQueue: remediationDeadLetters,
      }),
    );
    this.remediateFunction.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new destinations.SqsDestination(remediationDeadLetters),
    });

    new MonitorAlarms(this, 'Alarms', {
      topic: this.alarmTopic,
      clusters: clusterNames,
      scheduleMinutes: settings.scheduleMinutes,
      monitorFunction: this.monitorFunction,
      remediateFunction: this.remediateFunction,
      deadLetterQueues: { schedule: scheduleDeadLetters, remediation: remediationDeadLetters },
    });
    for (const email of props.alarmEmails ?? []) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }

    this.dashboard = new MonitorDashboard(this, 'Dashboard', {
      clusters: clusterNames,
      metrics: settings.metrics,
    }).dashboard;
  }
}

interface Settings {
  readonly mode: AwsConfig['mode'];
  readonly scheduleMinutes: number;
  readonly watchMs: number;
  readonly intervalMs: number;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly configBytes: number;
  readonly monitorMemoryMb: number;
  readonly remediateMemoryMb: number;
  readonly metrics: MetricSet;
}

/** Lambda's memory range, in MB. */
const MIN_MEMORY_MB = 128;
const MAX_MEMORY_MB = 10_240;

function memoryMb(name: string, value: number | undefined, fallback: number): number {
  const mb = value ?? fallback;
  if (!Number.isInteger(mb) || mb < MIN_MEMORY_MB || mb > MAX_MEMORY_MB) {
    throw new Error(
      `DremioFailoverMonitor: ${name} must be an integer from ${MIN_MEMORY_MB} to ${MAX_MEMORY_MB} (MB), got ${mb}`,
    );
  }
  return mb;
}

const WATCH_OVERLAP_MS = 5000;

/** Props that cannot work fail here, at synth, rather than at deploy or at the first tick. */
function validate(props: DremioFailoverMonitorProps): Settings {
  const names = props.clusters.map((cluster) => cluster.name);
  if (names.length === 0) throw new Error('DremioFailoverMonitor: at least one cluster is required');
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined)
    throw new Error(`DremioFailoverMonitor: cluster "${duplicate}" is listed twice`);
  const scheduleMinutes = props.scheduleMinutes ?? 1;
  if (!Number.isInteger(scheduleMinutes) || scheduleMinutes < 1 || scheduleMinutes > 60) {
    throw new Error(
      `DremioFailoverMonitor: scheduleMinutes must be an integer from 1 to 60, got ${scheduleMinutes}`,
    );
  }
  // Consecutive invocations overlap by 5 s, so no change goes unwatched; a change seen by both is
  // recorded once (each decision is a conditional commit on the cluster's version).
  const watchMs = props.watchMs ?? scheduleMinutes * 60_000 + WATCH_OVERLAP_MS;
  if (!Number.isInteger(watchMs) || watchMs < 1000 || watchMs + 20_000 > 900_000) {
    throw new Error(`DremioFailoverMonitor: watchMs must be an integer from 1000 to 880000, got ${watchMs}`);
  }
  const configBytes = Buffer.byteLength(props.configText, 'utf8');
  if (configBytes > ADVANCED_PARAMETER_BYTES) {
    throw new Error(
      `DremioFailoverMonitor: the configuration is ${configBytes} bytes; an SSM parameter holds at most ${ADVANCED_PARAMETER_BYTES}`,
    );
  }
  const mode = props.mode ?? 'poll';
  const metrics = props.metrics ?? 'minimal';
  if (!METRIC_SETS.includes(metrics)) {
    throw new Error(
      `DremioFailoverMonitor: metrics must be ${METRIC_SETS.join(' or ')}, got ${String(metrics)}`,
    );
  }
  return {
    mode,
    scheduleMinutes,
    watchMs,
    intervalMs: props.intervalMs ?? 10_000,
    vpcSubnets: props.vpcSubnets ?? {},
    configBytes,
    monitorMemoryMb: memoryMb('monitorMemoryMb', props.monitorMemoryMb, DEFAULT_MEMORY_MB[mode]),
    remediateMemoryMb: memoryMb('remediateMemoryMb', props.remediateMemoryMb, DEFAULT_MEMORY_MB.remediate),
    metrics,
  };
}
