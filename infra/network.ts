import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { AwsConfig } from '../shared/config/index.ts';

type VpcConfig = NonNullable<AwsConfig['vpc']>;

/** An existing VPC as the construct takes it. */
export interface ImportedNetwork {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * The configuration's VPC, imported from its ids without a lookup, so that synth needs no AWS
 * credentials. The availability zones are placeholders: an imported subnet's zone appears nowhere in the
 * template, but CDK needs one name per subnet. `routeTableIds` (one per subnet, or one for all) are
 * needed only for the DynamoDB gateway endpoint.
 */
export function importNetwork(
  scope: Construct,
  config: VpcConfig,
  routeTableIds: readonly string[] = [],
): ImportedNetwork {
  const subnetIds = config.subnetIds;
  if (routeTableIds.length > 1 && routeTableIds.length !== subnetIds.length) {
    throw new Error(
      `expected one route table id per subnet (${subnetIds.length}) or one for all, got ${routeTableIds.length}`,
    );
  }
  const [firstRouteTable = ''] = routeTableIds;
  const vpc = ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
    vpcId: config.vpcId,
    availabilityZones: subnetIds.map((_, index) => `placeholder-az-${index + 1}`),
    privateSubnetIds: subnetIds,
    ...(routeTableIds.length === 0
      ? {}
      : {
          privateSubnetRouteTableIds: subnetIds.map((_, index) => routeTableIds[index] ?? firstRouteTable),
        }),
  });
  if (routeTableIds.length === 0) {
    Validations.of(vpc).acknowledge({
      id: 'Annotation::@aws-cdk/aws-ec2:noSubnetRouteTableId',
      reason: 'Route tables matter only to the DynamoDB gateway endpoint, which is not created without them.',
    });
  }
  const securityGroups = config.securityGroupIds?.map((id, index) =>
    ec2.SecurityGroup.fromSecurityGroupId(scope, `SecurityGroup${index + 1}`, id, { mutable: false }),
  );
  return {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ...(securityGroups === undefined ? {} : { securityGroups }),
  };
}

export interface MonitorNetworkProps {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  /** Existing groups: used as they are, no group is created. */
  readonly securityGroups?: readonly ec2.ISecurityGroup[];
  /** TCP ports the functions connect to: ZooKeeper client ports and coordinator web ports. */
  readonly egressPorts: readonly number[];
  readonly endpoints: boolean;
}

/** Interface endpoints of the AWS APIs the functions call (the Lambda service writes their logs itself). */
const INTERFACE_ENDPOINTS = {
  Sns: ec2.InterfaceVpcEndpointAwsService.SNS,
  Ec2: ec2.InterfaceVpcEndpointAwsService.EC2,
  Ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
} as const;

/** The functions' security groups and, optionally, VPC endpoints for subnets without a NAT. */
export class MonitorNetwork extends Construct {
  readonly securityGroups: ec2.ISecurityGroup[];

  constructor(scope: Construct, id: string, props: MonitorNetworkProps) {
    super(scope, id);
    this.securityGroups =
      props.securityGroups === undefined
        ? [this.createSecurityGroup(props.vpc, props.egressPorts)]
        : [...props.securityGroups];
    if (props.endpoints) this.createEndpoints(props);
  }

  /** Egress only where the functions go: ZooKeeper, the web ports, and 443 for AWS APIs and Slack. */
  private createSecurityGroup(vpc: ec2.IVpc, ports: readonly number[]): ec2.SecurityGroup {
    const group = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc,
      description: 'dremio-ha-monitor functions: egress to ZooKeeper, coordinator web ports and HTTPS only',
      allowAllOutbound: false,
    });
    for (const port of [...new Set([...ports, 443])].sort((a, b) => a - b)) {
      // The servers are named by hostname in the configuration, so the peer cannot be narrower.
      group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), `dremio-ha-monitor to port ${port}`);
    }
    return group;
  }

  private createEndpoints(props: MonitorNetworkProps): void {
    new ec2.GatewayVpcEndpoint(this, 'DynamoDbEndpoint', {
      vpc: props.vpc,
      service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
      subnets: [props.vpcSubnets],
    });
    const endpointGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: props.vpc,
      description: 'dremio-ha-monitor VPC endpoints: HTTPS from the functions only',
      allowAllOutbound: false,
    });
    for (const group of this.securityGroups) {
      endpointGroup.connections.allowFrom(group, ec2.Port.tcp(443), 'HTTPS from dremio-ha-monitor functions');
    }
    for (const [name, service] of Object.entries(INTERFACE_ENDPOINTS)) {
      // open: false, because the default rule needs the VPC's CIDR, which an imported VPC may not know.
      new ec2.InterfaceVpcEndpoint(this, `${name}Endpoint`, {
        vpc: props.vpc,
        service,
        subnets: props.vpcSubnets,
        privateDnsEnabled: true,
        open: false,
        securityGroups: [endpointGroup],
      });
    }
  }
}
