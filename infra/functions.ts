import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The repository root: entries, the lock file and the .proto are found from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Read at run time by shared/dremio/registration.ts from `new URL('./coordination.proto', import.meta.url)`. */
export const PROTO_SOURCE = 'shared/dremio/coordination.proto';
/** Where the .proto lands: next to index.mjs, which is what that URL resolves to once bundled. */
export const PROTO_BUNDLE_PATH = 'coordination.proto';

/**
 * Local esbuild (no Docker), one ESM file `index.mjs`. The banner gives the bundled CommonJS
 * dependencies (node-zookeeper-client, protobufjs) the `require` that ESM lacks.
 */
export function bundlingOptions(): BundlingOptions {
  return {
    forceDockerBundling: false,
    format: OutputFormat.ESM,
    target: 'node22',
    mainFields: ['module', 'main'],
    banner:
      "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    logLevel: LogLevel.WARNING,
    // The Node 22 runtime includes the AWS SDK v3: leaving it out keeps the bundle small.
    externalModules: ['@aws-sdk/*'],
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir: string, outputDir: string) => [
        `cp "${posix.join(inputDir, PROTO_SOURCE)}" "${posix.join(outputDir, PROTO_BUNDLE_PATH)}"`,
      ],
    },
  };
}

export interface MonitorFunctionProps {
  /** The handler's folder under functions/. */
  readonly entry: 'monitor' | 'remediate';
  readonly description: string;
  readonly timeout: Duration;
  readonly environment: Readonly<Record<string, string>>;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroups: readonly ec2.ISecurityGroup[];
}

/** One of the two functions: Node 22 on arm64, in the clusters' VPC, with its own log group. */
export function monitorFunction(scope: Construct, id: string, props: MonitorFunctionProps): NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: logs.RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const fn = new NodejsFunction(scope, id, {
    entry: posix.join(PROJECT_ROOT, 'functions', props.entry, 'index.ts'),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: posix.join(PROJECT_ROOT, 'package-lock.json'),
    description: props.description,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 512,
    timeout: props.timeout,
    environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: [...props.securityGroups],
    logGroup,
    bundling: bundlingOptions(),
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'Node.js 22 on purpose: the code is built and tested for Node 20 and 22, not yet 24.',
  });
  const role = fn.role;
  if (role !== undefined) {
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The AWS managed policy Lambda needs to write its logs; it is kept current by AWS.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason:
          'The AWS managed policy Lambda needs to attach its network interfaces in the VPC; it is kept current by AWS.',
      },
    );
  }
  return fn;
}
