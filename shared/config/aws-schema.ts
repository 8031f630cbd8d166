import * as z from 'zod';
import { integer, message, retired } from './schema-parts.ts';

/** The metric sets the functions can emit (functions/contract.ts explains them). */
export const METRIC_SETS = ['minimal', 'full'] as const;

const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const PARAMETER_NAME = /^\/[A-Za-z0-9_.\-/]{1,1010}$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const vpcSchema = z
  .strictObject({
    vpcId: z
      .string()
      .regex(VPC_ID, { error: message('expected a VPC id like vpc-0abc1234') })
      .meta({ description: 'The VPC of ZooKeeper and the coordinators.' }),
    subnetIds: z
      .array(z.string().regex(SUBNET_ID, { error: message('expected a subnet id like subnet-0abc1234') }))
      .min(1, { error: 'at least one subnet is required' })
      .meta({ description: 'Private subnets that reach ZooKeeper and the coordinators.' }),
    securityGroupIds: z
      .array(
        z
          .string()
          .regex(SECURITY_GROUP_ID, { error: message('expected a security group id like sg-0abc1234') }),
      )
      .optional()
      .meta({
        description:
          'Existing security groups for the functions. Default: one is created, with egress only to the ZooKeeper and web ports.',
      }),
    routeTableIds: z
      .array(
        z
          .string()
          .regex(/^rtb-[0-9a-f]{8,17}$/, { error: message('expected a route table id like rtb-0abc1234') }),
      )
      .optional()
      .meta({
        description:
          "The subnets' route tables (one per subnet, or one for all), for the DynamoDB gateway endpoint when endpoints is true.",
      }),
    endpoints: z.boolean().default(false).meta({
      description:
        'Create VPC endpoints for DynamoDB, SNS, EC2, SSM and Secrets Manager (subnets without NAT). Default false.',
    }),
  })
  .meta({ description: "The VPC the functions run in: the clusters' own." });

/** Where and how the monitor runs on AWS (`npm run synth` / `npm run deploy`); the CLI ignores it. */
export const awsSchema = z
  .strictObject({
    stackName: z
      .string()
      .regex(STACK_NAME, { error: message('expected a stack name: a letter, then letters, digits and -') })
      .default('dremio-ha-monitor')
      .meta({ description: 'Name of the CloudFormation stack. Default dremio-ha-monitor.' }),
    account: z
      .string()
      .regex(/^[0-9]{12}$/, { error: message('expected a 12-digit AWS account id') })
      .optional()
      .meta({ description: 'Default: from the environment (CDK_DEFAULT_ACCOUNT).' }),
    region: z
      .string()
      .regex(/^[a-z]{2}(?:-[a-z]+)+-[0-9]$/, { error: message('expected an AWS region like eu-west-1') })
      .optional()
      .meta({ description: 'Default: from the environment (CDK_DEFAULT_REGION).' }),
    vpc: vpcSchema.optional().meta({ description: 'Required to reach ZooKeeper in a private network.' }),
    mode: z
      .enum(['poll', 'watch'], { error: message('expected "poll" or "watch"', true) })
      .default('poll')
      .meta({
        description:
          'poll: one observation per invocation; watch: hold the ZooKeeper session for most of the minute and react within a second.',
      }),
    scheduleMinutes: integer(1, 60)
      .default(1)
      .meta({ description: 'Invocations per cluster: every N minutes.' }),
    watchMs: integer(10_000, 840_000).optional().meta({
      description:
        'watch mode: how long one invocation watches. Default: the schedule interval plus 5 s, so invocations overlap and no change goes unwatched.',
    }),
    intervalMs: integer(1000, 60_000)
      .default(10_000)
      .meta({ description: 'watch mode: a full observation (ZooKeeper and HTTP) every this often.' }),
    tickMs: retired('renamed intervalMs, the full observation interval in watch mode'),
    configParameter: z
      .string()
      .regex(PARAMETER_NAME, {
        error: message('expected an SSM parameter name like /dremio-ha-monitor/config'),
      })
      .default('/dremio-ha-monitor/config')
      .meta({ description: 'The SSM parameter the deployed functions read this file from.' }),
    tableName: z
      .string()
      .regex(TABLE_NAME, { error: message('expected a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)') })
      .default('dremio-ha-monitor')
      .meta({ description: 'The audit log and state table. Default dremio-ha-monitor.' }),
    alarmEmails: z
      .array(z.string().regex(EMAIL, { error: message('expected an e-mail address') }))
      .default([])
      .meta({ description: "Addresses subscribed to the alarm topic (the monitor's own health)." }),
    metrics: z
      .enum(METRIC_SETS, { error: message('expected "minimal" or "full"', true) })
      .default('minimal')
      .meta({
        description:
          'minimal: only the metrics the alarms watch (the heartbeat; failures when there are any); full: also master up, coordinators, executors, ZooKeeper servers, probe duration and events by type, for the dashboard. Each metric costs $0.30 per cluster a month. Default minimal.',
      }),
    monitorMemoryMb: integer(128, 10_240).optional().meta({
      description:
        'Memory of the monitor function in MB (also its CPU share). Default 128 in watch mode, 192 in poll mode.',
    }),
    remediateMemoryMb: integer(128, 10_240)
      .optional()
      .meta({ description: 'Memory of the remediate function in MB. Default 256.' }),
  })
  .meta({ description: 'The AWS deployment (CDK app); the local CLI ignores it.' });

export type AwsConfig = z.output<typeof awsSchema>;
