import type { AwsConfig, MonitorConfig } from '../shared/config/index.ts';

/** A configuration the app cannot deploy; its message is one line. */
export class DeployConfigError extends Error {
  override readonly name = 'DeployConfigError';
}

/** The `aws` section when it can be deployed. Free of CDK imports, so a refusal is quick. */
export function deployableAws(
  config: MonitorConfig,
  source: string,
  routeTableIds: readonly string[],
): AwsConfig & { vpc: NonNullable<AwsConfig['vpc']> } {
  const aws = config.aws;
  if (aws?.vpc === undefined) {
    throw new DeployConfigError(
      `${source}: aws.vpc: required to deploy: the functions run in the VPC of ZooKeeper and the coordinators`,
    );
  }
  if (aws.vpc.endpoints && routeTableIds.length === 0) {
    throw new DeployConfigError(
      `${source}: aws.vpc.endpoints: the DynamoDB gateway endpoint needs the subnets' route tables: set aws.vpc.routeTableIds (or pass -c routeTableIds=rtb-...[,rtb-...])`,
    );
  }
  return { ...aws, vpc: aws.vpc };
}
