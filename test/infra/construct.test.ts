import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { App, type CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  ALARM_METRICS,
  ENV,
  METRIC_NAMESPACE,
  METRICS,
  REMEDIATION_FILTER,
  SERVICE_NAME,
} from '../../functions/contract.ts';
import { DeployConfigError } from '../../infra/deploy-config.ts';
import { DremioFailoverMonitor, INTERACTIONS_CONCURRENCY } from '../../infra/dremio-failover-monitor.ts';
import { buildMonitorStack } from '../../infra/monitor-stack.ts';
import {
  CLUSTER_TAG_CONDITION_KEY,
  EC2_MUTATE_ACTIONS,
  MANAGED_TAG_CONDITION_KEY,
  TABLE_ACTIONS,
} from '../../infra/permissions.ts';
import { propsFromConfig } from '../../infra/props-from-config.ts';
import { parseConfig } from '../../shared/config/index.ts';

type Json = Record<string, unknown>;

const SLACK_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-hook';
const PAGER_ARN = 'arn:aws:sns:eu-west-1:123456789012:pager';

/** Two clusters, one with a name CloudFormation ids cannot hold, on different ports. */
function baseConfig(): Json {
  return {
    clusters: [
      {
        name: 'prod',
        zookeeper: { connect: 'zk1:2181,zk2:2182' },
        coordinators: [
          { address: 'coord-a', role: 'master-candidate' },
          { address: 'coord-b', role: 'master-candidate', webUrl: 'https://coord-b:9443' },
        ],
      },
      {
        name: 'blue.analytics',
        zookeeper: { connect: 'zk9:2181' },
        coordinators: [{ address: '10.0.0.7', role: 'master-candidate', webUrl: 'http://10.0.0.7' }],
      },
    ],
    channels: {
      slack: { kind: 'slack-webhook', webhookUrl: { secretsManagerArn: SLACK_ARN } },
      local: { kind: 'slack-webhook', webhookUrl: { env: 'SLACK_WEBHOOK_URL' } },
      pager: { kind: 'sns', topicArn: PAGER_ARN },
    },
    aws: {
      account: '123456789012',
      region: 'eu-west-1',
      vpc: { vpcId: 'vpc-0abc1234', subnetIds: ['subnet-0abc1234', 'subnet-0abc5678'] },
      alarmEmails: ['oncall@example.com'],
    },
  };
}

const outdirs: string[] = [];
after(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

interface Synthesized {
  readonly app: App;
  readonly stack: Stack;
  readonly monitor: DremioFailoverMonitor;
  readonly template: Template;
}

/** The app's stack for a configuration, with bundling skipped (no esbuild run). */
function synth(
  change: (config: Json & { aws: Json & { vpc: Json } }) => void = () => {},
  options: { routeTableIds?: string[]; configText?: string } = {},
): Synthesized {
  const document = baseConfig() as Json & { aws: Json & { vpc: Json } };
  change(document);
  const outdir = mkdtempSync(join(tmpdir(), 'cdk.out.infra-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const { stack, monitor } = buildMonitorStack(app, {
    config: parseConfig(document, 'test'),
    configText: options.configText ?? JSON.stringify(document),
    source: 'test',
    ...(options.routeTableIds === undefined ? {} : { routeTableIds: options.routeTableIds }),
  });
  return { app, stack, monitor, template: Template.fromStack(stack) };
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnResource);
}

function resourcesOf(template: Template, type: string): Array<[string, Json]> {
  return Object.entries(template.findResources(type)) as Array<[string, Json]>;
}

const poll = synth();
/** The other options at once: watch mode, endpoints, every 5 minutes, a configuration over 4 KB. */
const alternative = synth(
  (config) => {
    config.aws.mode = 'watch';
    config.aws.watchMs = 120_000;
    config.aws.scheduleMinutes = 5;
    config.aws.vpc.endpoints = true;
    (config.clusters as Json[])[0] = {
      ...(config.clusters as Json[])[0],
      remediation: { enabled: true, ec2: { serviceUnit: 'dremio' } },
    };
  },
  { routeTableIds: ['rtb-0abc1234', 'rtb-0abc5678'], configText: `# ${'x'.repeat(5000)}\n` },
);
/** The full metric set and memory sizes of one's own. */
const full = synth((config) => {
  config.aws.metrics = 'full';
  config.aws.monitorMemoryMb = 300;
  config.aws.remediateMemoryMb = 512;
});
const existingGroups = synth((config) => {
  config.aws.vpc.securityGroupIds = ['sg-0abc1234'];
});

describe('DremioFailoverMonitor', () => {
  describe('storage and configuration', () => {
    it('creates the table with pk/sk strings, on demand, PITR, TTL on ttl, deletion protection, retained', () => {
      poll.template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
          DeletionProtectionEnabled: true,
          TableName: 'dremio-ha-monitor',
        },
      });
    });

    it('stores the configuration text in a standard SSM parameter when it is 4 KB or less', () => {
      poll.template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: '/dremio-ha-monitor/config',
        Type: 'String',
        Tier: 'Standard',
        Value: JSON.stringify(baseConfig()),
      });
    });

    it('uses the advanced tier above 4 KB and refuses more than 8 KB', () => {
      alternative.template.hasResourceProperties('AWS::SSM::Parameter', { Tier: 'Advanced' });
      assert.throws(() => synth(() => {}, { configText: 'x'.repeat(8193) }), /at most 8192/);
    });

    it('creates an empty Slack secret (no generated value) that the monitor may read', () => {
      const secrets = resourcesOf(poll.template, 'AWS::SecretsManager::Secret');
      assert.equal(secrets.length, 1);
      const [, secret] = secrets[0] ?? [];
      const properties = (secret?.Properties ?? {}) as Json;
      assert.equal(properties.GenerateSecretString, undefined);
      assert.equal(properties.SecretString, undefined);
    });
  });

  it('encrypts the table with a customer key when given one, and lets the functions use it', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'KeyedTable', { env: { account: '123456789012', region: 'eu-west-1' } });
    const key = new kms.Key(stack, 'AuditKey');
    const props = propsFromConfig(parseConfig(baseConfig(), 'test'), 'text');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0abc1234',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: ['subnet-0abc1234', 'subnet-0abc5678'],
    });
    new DremioFailoverMonitor(stack, 'Monitor', { ...props, vpc, tableEncryptionKey: key });
    const template = Template.fromStack(stack);
    const keyId = stack.getLogicalId(key.node.defaultChild as CfnResource);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      },
    });
    assert.match(JSON.stringify(template.findResources('AWS::IAM::Policy')), new RegExp(`"${keyId}","Arn"`));
  });

  describe('topics', () => {
    it('encrypts both topics with a rotated customer key CloudWatch may use, and enforces TLS', () => {
      const topics = resourcesOf(poll.template, 'AWS::SNS::Topic');
      assert.equal(topics.length, 2);
      const keyId = logicalId(poll.stack, poll.monitor.node.findChild('Topics').node.findChild('Key'));
      for (const [, topic] of topics) {
        assert.deepEqual((topic.Properties as Json).KmsMasterKeyId, { 'Fn::GetAtt': [keyId, 'Arn'] });
      }
      poll.template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
              // Only CloudWatch acting for this account.
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ]),
        },
      });
      const policies = resourcesOf(poll.template, 'AWS::SNS::TopicPolicy');
      assert.equal(policies.length, 2);
      for (const [, policy] of policies) {
        assert.match(JSON.stringify(policy), /"aws:SecureTransport":"false"/);
      }
      poll.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
          ]),
        },
      });
    });

    it('subscribes the alarm e-mails to the alarm topic', () => {
      poll.template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'oncall@example.com',
        TopicArn: { Ref: logicalId(poll.stack, poll.monitor.alarmTopic) },
      });
    });

    it('subscribes the remediate function to REMEDIATION_STARTED only, with a dead-letter queue', () => {
      poll.template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'lambda',
        TopicArn: { Ref: logicalId(poll.stack, poll.monitor.remediationTopic) },
        Endpoint: { 'Fn::GetAtt': [logicalId(poll.stack, poll.monitor.remediateFunction), 'Arn'] },
        FilterPolicy: { eventType: [...REMEDIATION_FILTER.eventType] },
        RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
      });
      poll.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId(poll.stack, poll.monitor.remediateFunction) },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      });
    });

    it('encrypts every dead-letter queue and refuses plain HTTP to it', () => {
      const queues = resourcesOf(poll.template, 'AWS::SQS::Queue');
      assert.equal(queues.length, 2);
      for (const [, queue] of queues) assert.equal((queue.Properties as Json).SqsManagedSseEnabled, true);
      const policies = resourcesOf(poll.template, 'AWS::SQS::QueuePolicy');
      assert.equal(policies.length, 2);
      for (const [, policy] of policies)
        assert.match(JSON.stringify(policy), /"aws:SecureTransport":"false"/);
    });
  });

  describe('functions', () => {
    it('runs both on Node 22, arm64, in the VPC, with the contract environment', () => {
      for (const fn of [poll.monitor.monitorFunction, poll.monitor.remediateFunction]) {
        const properties = poll.template.toJSON().Resources[logicalId(poll.stack, fn)].Properties as Json;
        assert.equal(properties.Runtime, 'nodejs22.x');
        assert.deepEqual(properties.Architectures, ['arm64']);
        assert.equal(properties.Handler, 'index.handler');
        assert.deepEqual((properties.VpcConfig as Json).SubnetIds, ['subnet-0abc1234', 'subnet-0abc5678']);
        const variables = (properties.Environment as { Variables: Json }).Variables;
        for (const name of [ENV.tableName, ENV.configParameter, ENV.mode, ENV.watchMs, ENV.intervalMs]) {
          assert.ok(name in variables, `${name} is set`);
        }
        assert.equal(variables[ENV.mode], 'poll');
        assert.equal(variables[ENV.metrics], 'minimal');
      }
      // A poll that finds the cluster in motion stays to watch for watchMs (65 s by default).
      poll.template.hasResourceProperties('AWS::Lambda::Function', {
        Timeout: 85,
        Environment: { Variables: Match.objectLike({ [ENV.remediationTopicArn]: Match.anyValue() }) },
      });
      poll.template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 900 });
    });

    it('sizes memory by default from the measurements: monitor 192 MB polling, 128 MB watching; remediate 256 MB', () => {
      const memory = (synthesized: Synthesized, fn: 'monitorFunction' | 'remediateFunction') =>
        (
          synthesized.template.toJSON().Resources[logicalId(synthesized.stack, synthesized.monitor[fn])]
            .Properties as Json
        ).MemorySize;
      assert.equal(memory(poll, 'monitorFunction'), 192);
      assert.equal(memory(poll, 'remediateFunction'), 256);
      assert.equal(memory(alternative, 'monitorFunction'), 128);
      assert.equal(memory(alternative, 'remediateFunction'), 256);
      assert.equal(memory(full, 'monitorFunction'), 300, 'aws.monitorMemoryMb');
      assert.equal(memory(full, 'remediateFunction'), 512, 'aws.remediateMemoryMb');
    });

    it('refuses a memory size Lambda does not have, and a metric set it does not know', () => {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const stack = new Stack(app, 'Sizes', { env: { account: '123456789012', region: 'eu-west-1' } });
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-0abc1234',
        availabilityZones: ['eu-west-1a'],
        privateSubnetIds: ['subnet-0abc1234'],
      });
      const props = { ...propsFromConfig(parseConfig(baseConfig(), 'test'), 'text'), vpc };
      assert.throws(
        () => new DremioFailoverMonitor(stack, 'Small', { ...props, monitorMemoryMb: 64 }),
        /monitorMemoryMb must be an integer from 128 to 10240 \(MB\), got 64/,
      );
      assert.throws(
        () => new DremioFailoverMonitor(stack, 'Odd', { ...props, remediateMemoryMb: 256.5 }),
        /remediateMemoryMb must be an integer from 128 to 10240/,
      );
      assert.throws(
        // A caller without the types can pass any string.
        () => new DremioFailoverMonitor(stack, 'Set', { ...props, metrics: 'all' as 'full' }),
        /metrics must be minimal or full, got all/,
      );
    });

    it('gives the monitor watchMs + 20 s in watch mode', () => {
      alternative.template.hasResourceProperties('AWS::Lambda::Function', {
        Timeout: 140,
        Environment: { Variables: Match.objectLike({ [ENV.mode]: 'watch', [ENV.watchMs]: '120000' }) },
      });
    });

    it('creates a security group with egress only to the ZooKeeper and web ports and 443', () => {
      const groups = resourcesOf(poll.template, 'AWS::EC2::SecurityGroup');
      assert.equal(groups.length, 1);
      const [[, group] = ['', {}]] = groups;
      const egress = ((group.Properties as Json | undefined)?.SecurityGroupEgress ?? []) as Json[];
      assert.deepEqual(
        egress.map((rule) => [rule.FromPort, rule.ToPort, rule.IpProtocol]),
        [443, 2181, 2182, 80, 9047, 9443].sort((a, b) => a - b).map((port) => [port, port, 'tcp']),
      );
    });

    it('uses the configured security groups as they are', () => {
      existingGroups.template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
      existingGroups.template.hasResourceProperties('AWS::Lambda::Function', {
        VpcConfig: { SecurityGroupIds: ['sg-0abc1234'] },
      });
    });

    it('creates the DynamoDB gateway and four interface endpoints only when asked', () => {
      poll.template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
      alternative.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        RouteTableIds: ['rtb-0abc1234', 'rtb-0abc5678'],
      });
      const services = resourcesOf(alternative.template, 'AWS::EC2::VPCEndpoint')
        .map(([, endpoint]) => endpoint.Properties as Json)
        .filter((properties) => properties.VpcEndpointType === 'Interface')
        .map((properties) => String(properties.ServiceName).split('.').at(-1));
      assert.deepEqual(services.sort(), ['ec2', 'secretsmanager', 'sns', 'ssm']);
    });
  });

  describe('IAM', () => {
    it('has no Action with a wildcard in any policy', () => {
      for (const { template } of [poll, alternative, existingGroups]) {
        for (const statement of policyStatements(template)) {
          const actions = [statement.Action ?? statement.NotAction].flat();
          for (const action of actions) assert.doesNotMatch(String(action), /\*/, JSON.stringify(statement));
        }
      }
    });

    it('lets only the remediate role change instances: tagged managed, of a cluster with remediation on, in its region', () => {
      const restartStatements = (synthesized: Synthesized) => {
        const role = logicalId(synthesized.stack, synthesized.monitor.remediateFunction.role as never);
        const found: Json[] = [];
        for (const [, policy] of resourcesOf(synthesized.template, 'AWS::IAM::Policy')) {
          const properties = policy.Properties as { PolicyDocument: { Statement: Json[] }; Roles: unknown };
          for (const statement of properties.PolicyDocument.Statement) {
            const actions = [statement.Action].flat().map(String);
            if (!actions.some((action) => (EC2_MUTATE_ACTIONS as readonly string[]).includes(action)))
              continue;
            assert.deepEqual(properties.Roles, [{ Ref: role }]);
            assert.match(JSON.stringify(statement.Resource), /:ec2:\*:.*AWS::AccountId.*:instance\/\*/);
            found.push(statement);
          }
        }
        return found;
      };
      // No cluster enables remediation: nothing may be restarted at all.
      assert.deepEqual(restartStatements(poll), []);
      const scoped = synth((config) => {
        const clusters = config.clusters as Json[];
        clusters[0] = { ...clusters[0], remediation: { enabled: true } };
        clusters[1] = {
          ...clusters[1],
          remediation: { enabled: true, ec2: { clusterTag: 'blue', region: 'us-east-1' } },
        };
      });
      const [statement, ...more] = restartStatements(scoped);
      assert.deepEqual(more, []);
      assert.deepEqual(statement?.Condition, {
        StringEquals: {
          [MANAGED_TAG_CONDITION_KEY]: 'true',
          [CLUSTER_TAG_CONDITION_KEY]: ['prod', 'blue'],
          'aws:RequestedRegion': [{ Ref: 'AWS::Region' }, 'us-east-1'],
        },
      });
      for (const statement of roleInlineStatements(scoped.template)) {
        assert.doesNotMatch(JSON.stringify(statement.Action), /ec2:(Reboot|Start|Stop)Instances/);
      }
    });

    it('lets the remediate role run the SSM service check only when a cluster asks for it, on tagged instances', () => {
      const statementsOf = (synthesized: Synthesized) =>
        policyStatements(synthesized.template).filter((statement) =>
          [statement.Action].flat().some((action) => String(action).startsWith('ssm:SendCommand')),
        );
      assert.deepEqual(statementsOf(poll), []);
      const ssm = statementsOf(alternative);
      assert.equal(ssm.length, 2);
      const onInstances = ssm.find((statement) => JSON.stringify(statement.Resource).includes(':instance/*'));
      assert.deepEqual(onInstances?.Condition, {
        StringEquals: { 'ssm:resourceTag/dremio-ha-monitor:managed': 'true' },
      });
      // The construct's own document, which can run only `systemctl is-active` on the configured unit.
      assert.doesNotMatch(JSON.stringify(alternative.template.toJSON()), /AWS-RunShellScript/);
      const [[documentId, document] = ['', {}]] = resourcesOf(alternative.template, 'AWS::SSM::Document');
      const content = (document.Properties as Json).Content as Json;
      assert.deepEqual((content.parameters as Json).unit, {
        type: 'String',
        description: 'The Dremio systemd unit',
        allowedValues: ['dremio'],
      });
      assert.deepEqual(
        (content.mainSteps as Json[]).map((step) => (step.inputs as Json).runCommand),
        [['systemctl is-active {{ unit }}']],
      );
      const onDocument = ssm.find((statement) => JSON.stringify(statement.Resource).includes('document/'));
      assert.match(JSON.stringify(onDocument?.Resource), new RegExp(`"Ref":"${documentId}"`));
      alternative.template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ SERVICE_CHECK_DOCUMENT: { Ref: documentId } }) },
      });
      assert.deepEqual(resourcesOf(poll.template, 'AWS::SSM::Document'), []);
    });

    it("refuses a service check for instances outside the stack's region, naming the cluster", () => {
      const document = baseConfig() as Json & { clusters: Json[] };
      document.clusters[0] = {
        ...document.clusters[0],
        remediation: { enabled: true, ec2: { serviceUnit: 'dremio', region: 'us-east-1' } },
      };
      assert.throws(
        () => propsFromConfig(parseConfig(document, 'test'), 'text'),
        /clusters\[0\]\.remediation\.ec2: serviceUnit needs the instances in the stack's region \(eu-west-1\), not us-east-1/,
      );
    });

    it('lets the monitor read the parameter and secrets and publish, but not touch EC2', () => {
      const role = logicalId(poll.stack, poll.monitor.monitorFunction.role as never);
      poll.template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: role }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Action: 'ssm:GetParameter' }),
            Match.objectLike({
              Action: 'sns:Publish',
              Resource: [{ Ref: logicalId(poll.stack, poll.monitor.remediationTopic) }, PAGER_ARN],
            }),
            Match.objectLike({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'] }),
            Match.objectLike({
              Action: 'secretsmanager:GetSecretValue',
              Resource: [
                { Ref: logicalId(poll.stack, poll.monitor.slackSecret) },
                SLACK_ARN,
                `${SLACK_ARN}-??????`,
              ],
            }),
          ]),
        },
      });
      const policies = resourcesOf(poll.template, 'AWS::IAM::Policy').filter(([, policy]) =>
        JSON.stringify((policy.Properties as Json).Roles).includes(role),
      );
      assert.equal(policies.length, 1);
      // Of EC2 it may only attach itself to its subnets (network interfaces), never touch an instance.
      const ec2Actions = JSON.stringify(policies).match(/"ec2:[A-Za-z]+"/g) ?? [];
      assert.ok(ec2Actions.length > 0);
      for (const action of ec2Actions)
        assert.match(action, /NetworkInterface|PrivateIpAddresses|DescribeSubnets/);
    });

    it('lets each function call only what it calls on the table: no Scan, no batch, no streams', () => {
      const tableId = logicalId(poll.stack, poll.monitor.table as never);
      for (const fn of [poll.monitor.monitorFunction, poll.monitor.remediateFunction]) {
        const role = logicalId(poll.stack, fn.role as never);
        const statements = resourcesOf(poll.template, 'AWS::IAM::Policy')
          .filter(([, policy]) => JSON.stringify((policy.Properties as Json).Roles).includes(role))
          .flatMap(
            ([, policy]) => ((policy.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement,
          );
        const table = statements.filter((statement) =>
          JSON.stringify(statement.Action).includes('dynamodb:'),
        );
        assert.equal(table.length, 1);
        assert.deepEqual(table[0]?.Action, [...TABLE_ACTIONS]);
        assert.deepEqual(table[0]?.Resource, { 'Fn::GetAtt': [tableId, 'Arn'] });
      }
    });

    it('gives each function a role of its own: logs only to its own log group, no managed policy', () => {
      for (const fn of [poll.monitor.monitorFunction, poll.monitor.remediateFunction]) {
        const role = logicalId(poll.stack, fn.role as never);
        const roleResource = poll.template.findResources('AWS::IAM::Role')[role] as Json;
        assert.equal((roleResource.Properties as Json).ManagedPolicyArns, undefined, 'no managed policy');
        const statements = resourcesOf(poll.template, 'AWS::IAM::Policy')
          .filter(([, policy]) => JSON.stringify((policy.Properties as Json).Roles).includes(role))
          .flatMap(
            ([, policy]) => ((policy.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement,
          );
        const logs = statements.filter((statement) => JSON.stringify(statement.Action).includes('logs:'));
        assert.equal(logs.length, 1);
        assert.deepEqual(logs[0]?.Action, ['logs:CreateLogStream', 'logs:PutLogEvents']);
        const logGroup = logicalId(poll.stack, fn.logGroup as never);
        assert.deepEqual(logs[0]?.Resource, { 'Fn::GetAtt': [logGroup, 'Arn'] });
      }
    });
  });

  describe('schedules', () => {
    it('invokes the monitor once per cluster with its name, at the configured rate, no flexible window', () => {
      const schedules = resourcesOf(poll.template, 'AWS::Scheduler::Schedule').map(
        ([, schedule]) => schedule.Properties as { Target: Json } & Json,
      );
      assert.deepEqual(
        schedules.map((schedule) => JSON.parse(String(schedule.Target.Input))).sort(byCluster),
        [{ cluster: 'blue.analytics' }, { cluster: 'prod' }],
      );
      for (const schedule of schedules) {
        assert.equal(schedule.ScheduleExpression, 'rate(1 minute)');
        assert.deepEqual(schedule.FlexibleTimeWindow, { Mode: 'OFF' });
        assert.deepEqual(schedule.Target.Arn, {
          'Fn::GetAtt': [logicalId(poll.stack, poll.monitor.monitorFunction), 'Arn'],
        });
        assert.ok(schedule.Target.RetryPolicy);
        assert.ok((schedule.Target.DeadLetterConfig as Json).Arn);
      }
      alternative.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(5 minutes)',
      });
    });

    it("gives the scheduler's role lambda:InvokeFunction on the monitor only", () => {
      poll.template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Action: 'lambda:InvokeFunction',
              Effect: 'Allow',
              Resource: { 'Fn::GetAtt': [logicalId(poll.stack, poll.monitor.monitorFunction), 'Arn'] },
            },
          ]),
        },
      });
    });
  });

  describe('alarms and dashboard', () => {
    it('sends every alarm and its recovery to the alarm topic', () => {
      const topic = { Ref: logicalId(poll.stack, poll.monitor.alarmTopic) };
      const alarms = resourcesOf(poll.template, 'AWS::CloudWatch::Alarm');
      // Per cluster: heartbeat, delivery and remediation failures; monitor errors and throttles,
      // remediate errors; two dead-letter queues.
      assert.equal(alarms.length, 2 * 3 + 3 + 2);
      for (const [, alarm] of alarms) {
        assert.deepEqual((alarm.Properties as Json).AlarmActions, [topic]);
        assert.deepEqual((alarm.Properties as Json).OKActions, [topic]);
      }
    });

    it('treats a missing heartbeat as breaching, per cluster, over three schedule periods', () => {
      for (const cluster of ['prod', 'blue.analytics']) {
        poll.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: METRIC_NAMESPACE,
          MetricName: METRICS.heartbeat,
          Dimensions: [
            { Name: 'cluster', Value: cluster },
            { Name: 'service', Value: SERVICE_NAME },
          ],
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 3,
          ComparisonOperator: 'LessThanThreshold',
          Threshold: 1,
          TreatMissingData: 'breaching',
        });
      }
    });

    it('alarms on delivery and remediation failures, function faults and dead letters', () => {
      for (const metricName of [METRICS.deliveryFailures, METRICS.remediationFailures]) {
        poll.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: metricName,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Threshold: 1,
        });
      }
      for (const metricName of ['Errors', 'Throttles', 'ApproximateNumberOfMessagesVisible']) {
        poll.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: metricName,
          Threshold: 1,
        });
      }
    });

    it('watches exactly the metrics of the minimal set, which the functions emit by default', () => {
      const watched = new Set(
        resourcesOf(poll.template, 'AWS::CloudWatch::Alarm').flatMap(([, alarm]) => {
          const properties = alarm.Properties as Json;
          return properties.Namespace === METRIC_NAMESPACE ? [String(properties.MetricName)] : [];
        }),
      );
      assert.deepEqual(watched, new Set(ALARM_METRICS));
    });

    it('charts only what the minimal set emits, with a note on what full adds', () => {
      const body = JSON.stringify(resourcesOf(poll.template, 'AWS::CloudWatch::Dashboard')[0]?.[1]);
      for (const metric of [
        METRICS.masterUp,
        METRICS.probeDuration,
        METRICS.coordinatorsUp,
        METRICS.events,
      ]) {
        assert.doesNotMatch(body, new RegExp(metric));
      }
      assert.match(body, new RegExp(`${METRICS.heartbeat}.*prod.*${METRICS.heartbeat}.*blue\\.analytics`));
      assert.match(body, /metrics: full/);
    });

    it('with the full set, draws MasterUp per cluster and events by type with a SEARCH expression', () => {
      full.template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ [ENV.metrics]: 'full' }) },
      });
      const body = JSON.stringify(resourcesOf(full.template, 'AWS::CloudWatch::Dashboard')[0]?.[1]);
      for (const metric of [METRICS.masterUp, METRICS.probeDuration, METRICS.coordinatorsUp]) {
        assert.match(body, new RegExp(`${metric}.*prod.*${metric}.*blue\\.analytics`));
      }
      assert.match(body, /ZooKeeperServersServing/);
      assert.match(body, /SEARCH\('\{DremioHaMonitor,cluster,service,type\} MetricName=/);
    });
  });

  describe('cdk-nag AwsSolutions', () => {
    it('reports no unacknowledged error or warning, with or without endpoints and created groups', () => {
      for (const { app, stack } of [poll, alternative, existingGroups]) {
        const report = new AwsSolutionsChecks(app).validateScope(stack);
        const found = report.violations.map(
          (violation) =>
            `${violation.severity} ${violation.ruleName} ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
        );
        assert.deepEqual(found, []);
      }
    });
  });

  describe('the app', () => {
    it('refuses a configuration without aws.vpc, in one line', () => {
      assert.throws(
        () =>
          synth((config) => {
            delete (config.aws as Json).vpc;
          }),
        (error: unknown) =>
          error instanceof DeployConfigError &&
          /aws\.vpc: required/.test(error.message) &&
          !error.message.includes('\n'),
      );
    });

    it('refuses endpoints without the route tables the DynamoDB gateway needs', () => {
      assert.throws(
        () =>
          synth((config) => {
            config.aws.vpc.endpoints = true;
          }),
        /routeTableIds/,
      );
    });

    it('takes the route tables from aws.vpc.routeTableIds as well', () => {
      const synthesized = synth((config) => {
        config.aws.vpc.endpoints = true;
        config.aws.vpc.routeTableIds = ['rtb-0abc9999'];
      });
      synthesized.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        RouteTableIds: ['rtb-0abc9999'],
      });
    });
  });
});

describe("Slack's Acknowledge clicks", () => {
  const SIGNING_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-signing';
  const withClicks = synth((config) => {
    Object.assign(config.channels as object, {
      bot: {
        kind: 'slack-bot',
        token: { secretsManagerArn: SLACK_ARN },
        channelId: 'C0123ABCD',
        signingSecret: { secretsManagerArn: SIGNING_ARN },
      },
    });
  });

  it('adds no function and no URL when no slack-bot channel has a signing secret', () => {
    assert.equal(poll.monitor.interactionsFunction, undefined);
    poll.template.resourceCountIs('AWS::Lambda::Url', 0);
    poll.template.resourceCountIs('AWS::Lambda::Function', 2);
    assert.equal(Object.keys(poll.template.findOutputs('SlackInteractionsUrl')).length, 0);
  });

  it('adds the interactions function behind a function URL without IAM auth, throttled, and outputs the Request URL', () => {
    withClicks.template.resourceCountIs('AWS::Lambda::Function', 3);
    const fn = logicalId(withClicks.stack, withClicks.monitor.interactionsFunction as never);
    withClicks.template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [fn, 'Arn'] },
    });
    withClicks.template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: INTERACTIONS_CONCURRENCY,
      Timeout: 15,
    });
    const output = Object.values(withClicks.template.findOutputs('SlackInteractionsUrl'))[0] as Json;
    assert.match(JSON.stringify(output.Value), /slack\/interactions/);
  });

  it('can acknowledge and deliver, never restart or publish to the remediation topic', () => {
    const role = logicalId(withClicks.stack, withClicks.monitor.interactionsFunction?.role as never);
    const statements: Json[] = [];
    for (const [, policy] of resourcesOf(withClicks.template, 'AWS::IAM::Policy')) {
      const properties = policy.Properties as { PolicyDocument: { Statement: Json[] }; Roles: unknown };
      if (JSON.stringify(properties.Roles) !== JSON.stringify([{ Ref: role }])) continue;
      statements.push(...properties.PolicyDocument.Statement);
    }
    const actions = statements.flatMap((statement) => [statement.Action].flat().map(String));
    assert.ok(actions.includes('dynamodb:PutItem') && actions.includes('secretsmanager:GetSecretValue'));
    assert.ok(
      !actions.some((action) => /^ec2:(Reboot|Start|Stop)|^ssm:SendCommand/.test(action)),
      actions.join(),
    );
    const remediationTopic = logicalId(withClicks.stack, withClicks.monitor.remediationTopic);
    assert.ok(!JSON.stringify(statements).includes(remediationTopic), 'no remediation topic');
    assert.match(JSON.stringify(statements), /slack-signing/);
  });
});

describe('propsFromConfig', () => {
  it('derives ports, topics and secrets from the configuration', () => {
    const props = propsFromConfig(parseConfig(baseConfig(), 'test'), 'text');
    assert.deepEqual(props.clusters, [
      { name: 'prod', zookeeperPorts: [2181, 2182], webPorts: [9047, 9443] },
      { name: 'blue.analytics', zookeeperPorts: [2181], webPorts: [80] },
    ]);
    assert.deepEqual(props.notificationTopicArns, [PAGER_ARN]);
    assert.deepEqual(props.secretArns, [SLACK_ARN]);
    assert.equal(props.slackInteractions, false);
    assert.deepEqual(props.channelPorts, []);
    assert.equal(props.configText, 'text');
    assert.equal(props.tableName, 'dremio-ha-monitor');
    assert.equal(props.vpcEndpoints, false);
    assert.equal(props.metrics, 'minimal');
    assert.equal(props.monitorMemoryMb, undefined, 'the construct picks it by mode');
    assert.equal(props.remediateMemoryMb, undefined);
  });

  it("opens the egress of the channels' own ports: an Alertmanager on 9093, a webhook on 8443", () => {
    const config = baseConfig();
    Object.assign(config.channels as object, {
      am: { kind: 'alertmanager', url: 'http://alertmanager.corp:9093' },
      hook: { kind: 'webhook', url: 'https://hooks.corp:8443/x', signingSecret: { env: 'S' } },
      teams: { kind: 'teams-workflow', webhookUrl: { env: 'T' } },
    });
    assert.deepEqual(propsFromConfig(parseConfig(config, 'test'), 'text').channelPorts, [8443, 9093]);
    const synthesized = synth((document) => {
      Object.assign(document.channels as object, {
        am: { kind: 'alertmanager', url: 'http://alertmanager.corp:9093' },
      });
    });
    synthesized.template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: Match.arrayWith([
        Match.objectLike({ FromPort: 9093, ToPort: 9093, IpProtocol: 'tcp' }),
      ]),
    });
  });

  it('lets the monitor read every secret any channel names, nested headers too, each once', () => {
    const arn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}`;
    const config = baseConfig();
    Object.assign(config.channels as object, {
      pagerduty: { kind: 'pagerduty', routingKey: { secretsManagerArn: arn('pd') } },
      teams: { kind: 'teams-workflow', webhookUrl: { secretsManagerArn: arn('teams') } },
      bridge: {
        kind: 'webhook',
        url: 'https://hooks.corp.example/dremio',
        signingSecret: { secretsManagerArn: arn('signing') },
        headers: { 'X-Api-Key': { secretsManagerArn: arn('api-key') }, 'X-Team': { env: 'TEAM' } },
      },
      again: { kind: 'pagerduty', routingKey: { secretsManagerArn: arn('pd') } },
    });
    const props = propsFromConfig(parseConfig(config, 'test'), 'text');
    assert.deepEqual(
      [...(props.secretArns ?? [])].sort(),
      [SLACK_ARN, arn('pd'), arn('teams'), arn('signing'), arn('api-key')].sort(),
    );
  });
});

function byCluster(a: { cluster: string }, b: { cluster: string }): number {
  return a.cluster.localeCompare(b.cluster);
}

/** Every statement of every identity policy: AWS::IAM::Policy, managed policies, and roles' inline ones. */
function policyStatements(template: Template): Json[] {
  const documents = [
    ...resourcesOf(template, 'AWS::IAM::Policy'),
    ...resourcesOf(template, 'AWS::IAM::ManagedPolicy'),
  ].map(([, policy]) => (policy.Properties as { PolicyDocument: { Statement: Json[] } }).PolicyDocument);
  return [...documents.flatMap((document) => document.Statement), ...roleInlineStatements(template)];
}

function roleInlineStatements(template: Template): Json[] {
  return resourcesOf(template, 'AWS::IAM::Role').flatMap(([, role]) =>
    (((role.Properties as Json).Policies ?? []) as Array<{ PolicyDocument: { Statement: Json[] } }>).flatMap(
      (policy) => policy.PolicyDocument.Statement,
    ),
  );
}
