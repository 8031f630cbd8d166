import { EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { ClusterConfig } from '../config/index.ts';
import { Ec2Executor } from './ec2/ec2-executor.ts';
import { SsmServiceCheck } from './ec2/ssm-service-check.ts';
import type { Executor } from './executor.ts';

/** The key of the tag naming an instance's cluster; its value is `remediation.ec2.clusterTag`. */
export const CLUSTER_TAG_KEY = 'dremio-ha-monitor:cluster';

/**
 * The executor a cluster's configuration asks for. `ec2`: its instances, in `remediation.ec2.region`
 * (default: the SDK's, from AWS_REGION), recognised by the opt-in tags; with `serviceUnit`, verified
 * through Systems Manager as well.
 */
export function configuredExecutor(
  cluster: ClusterConfig,
  clients: {
    readonly ec2?: (region: string | undefined) => EC2Client;
    readonly ssm?: (region: string | undefined) => SSMClient;
    /** The service check's own SSM document (on AWS, the construct's); default AWS-RunShellScript. */
    readonly serviceCheckDocument?: string;
  } = {},
): Executor {
  const { region, clusterTag, serviceUnit } = cluster.remediation.ec2;
  const client = clients.ec2?.(region) ?? new EC2Client(region ? { region } : {});
  const serviceCheck =
    serviceUnit === undefined
      ? undefined
      : new SsmServiceCheck({
          client: clients.ssm?.(region) ?? new SSMClient(region ? { region } : {}),
          unit: serviceUnit,
          ...(clients.serviceCheckDocument ? { documentName: clients.serviceCheckDocument } : {}),
        });
  return new Ec2Executor({
    client,
    clusterTag: { key: CLUSTER_TAG_KEY, value: clusterTag ?? cluster.name },
    ...(serviceCheck ? { serviceCheck } : {}),
  });
}
