import { copyFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The repository root: entries, the lock file and the .proto are found from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Read at run time by shared/dremio/registration.ts from `new URL('./coordination.proto', import.meta.url)`. */
export const PROTO_SOURCE = 'shared/dremio/coordination.proto';
/** Where the .proto lands: next to index.mjs, which is what that URL resolves to once bundled. */
export const PROTO_BUNDLE_PATH = 'coordination.proto';

/** The banner gives the bundled CommonJS dependencies (node-zookeeper-client, protobufjs) the `require` that ESM lacks. */
export const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** What esbuild needs of the options below; esbuild's own type would put it in the published declarations. */
export interface FunctionBuildOptions {
  readonly entryPoints: string[];
  readonly outdir: string;
  readonly [option: string]: unknown;
}

/**
 * esbuild options of one function (scripts/build.mjs builds the package's bundles with them): one ESM entry
 * `index.mjs`, minified, for Node 22. Split: a module the handler loads with `import()` (the
 * remediate function's EC2 and SSM executors, the DynamoDB store, the SNS notifier, Secrets Manager)
 * becomes a chunk of its own, and the AWS SDK package it imports is loaded with it, at first use,
 * not in the init phase. Chunks sit next to index.mjs, where shared/dremio/registration.ts looks
 * for coordination.proto from whichever file holds it.
 */
export function functionBuildOptions(
  entry: MonitorFunctionProps['entry'],
  outdir: string,
): FunctionBuildOptions {
  return {
    entryPoints: [posix.join(PROJECT_ROOT, 'functions', entry, 'index.ts')],
    outdir,
    entryNames: 'index',
    chunkNames: '[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    // A single non-ASCII character makes V8 hold the whole source of a module in two bytes a character.
    charset: 'ascii',
    sourcemap: true,
    sourcesContent: false,
    // The Node 22 runtime includes the AWS SDK v3: leaving it out keeps the bundle small.
    external: ['@aws-sdk/*'],
    banner: { js: REQUIRE_BANNER },
    logLevel: 'warning',
  };
}

/**
 * Bundles a function from the sources at synth (a clone: esbuild is a dev dependency), with the
 * options above; CDK's NodejsFunction writes one file and cannot split.
 */
function sourceBundle(entry: MonitorFunctionProps['entry']): lambda.Code {
  return lambda.Code.fromAsset(posix.join(PROJECT_ROOT, 'functions', entry), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
      command: ['sh', '-c', 'echo "bundling needs esbuild on this machine: npm ci" >&2; exit 1'],
      local: {
        tryBundle(outputDir: string): boolean {
          const esbuild = createRequire(import.meta.url)('esbuild') as {
            buildSync(options: FunctionBuildOptions): unknown;
          };
          esbuild.buildSync(functionBuildOptions(entry, outputDir));
          copyFileSync(posix.join(PROJECT_ROOT, PROTO_SOURCE), posix.join(outputDir, PROTO_BUNDLE_PATH));
          return true;
        },
      },
    },
  });
}

/**
 * The function bundles an installed package ships (built at pack time by scripts/build.mjs with the
 * options above), so a team's own CDK app needs no esbuild: from the compiled construct
 * (dist/infra) they are dist/lambda/<entry>. A clone bundles from the sources at synth instead.
 */
export function prebuiltBundle(entry: MonitorFunctionProps['entry']): string | undefined {
  const dir = fileURLToPath(new URL(`../lambda/${entry}/`, import.meta.url));
  return existsSync(posix.join(dir, 'index.mjs')) ? dir : undefined;
}

export interface MonitorFunctionProps {
  /** The handler's folder under functions/. */
  readonly entry: 'monitor' | 'remediate' | 'interactions';
  readonly description: string;
  readonly timeout: Duration;
  readonly environment: Readonly<Record<string, string>>;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroups: readonly ec2.ISecurityGroup[];
  /** MB; also sets the function's CPU share. */
  readonly memoryMb: number;
  /** At most this many run at once (the interactions function is reachable from the internet). @default unreserved */
  readonly reservedConcurrency?: number;
}

/** One of the functions: Node 22 on arm64, in the clusters' VPC, with its own log group. */
export function monitorFunction(scope: Construct, id: string, props: MonitorFunctionProps): lambda.Function {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: logs.RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // A role of its own instead of the managed policies, whose logs:* reach every log group.
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `dremio-ha-monitor ${props.entry} function`,
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'AttachToVpc',
      actions: [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      resources: ['*'],
    }),
  );
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Attaching a VPC function to its subnets: ec2:CreateNetworkInterface and the other ENI actions Lambda needs support no narrower resource here (the interfaces do not exist yet); this is what the managed VPC policy grants, without its logs:* on every log group.',
  });
  const common = {
    role,
    description: props.description,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memoryMb,
    timeout: props.timeout,
    environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: [...props.securityGroups],
    logGroup,
    ...(props.reservedConcurrency === undefined
      ? {}
      : { reservedConcurrentExecutions: props.reservedConcurrency }),
  };
  const prebuilt = prebuiltBundle(props.entry);
  const fn = new lambda.Function(scope, id, {
    ...common,
    code: prebuilt ? lambda.Code.fromAsset(prebuilt) : sourceBundle(props.entry),
    handler: 'index.handler',
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'Node.js 22 on purpose: the code is built and tested for Node 20 and 22, not yet 24.',
  });
  return fn;
}
