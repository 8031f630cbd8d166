import { isIPv4, isIPv6 } from 'node:net';
import { DescribeInstancesCommand, type EC2Client, type Filter, type Instance } from '@aws-sdk/client-ec2';
import type { RestartTarget } from '../executor.ts';
import type { Ec2Session } from './ec2-call.ts';

export interface Ec2Tag {
  readonly key: string;
  readonly value: string;
}

/** The opt-in tag: the monitor never touches an instance without it. */
export const MANAGED_TAG: Ec2Tag = { key: 'dremio-ha-monitor:managed', value: 'true' };

/** Looked up by address, a terminated instance is left out: its replacement may have the same address. */
const LIVE_STATES = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];

/** What the executor needs of one instance. */
export interface InstanceView {
  readonly instanceId: string;
  readonly state: string;
  readonly privateIpAddress?: string;
  readonly privateDnsName?: string;
}

export type FindResult =
  | { readonly kind: 'found'; readonly instance: InstanceView; readonly resolvedBy: string }
  | {
      readonly kind: 'failed';
      readonly reason: string;
      readonly retryable: boolean;
      readonly resolvedBy: string;
    };

/** The DescribeInstances filter for an address: IPv4, IPv6 or a private DNS name. */
export function addressFilter(address: string): Filter {
  if (isIPv4(address)) return { Name: 'private-ip-address', Values: [address] };
  if (isIPv6(address)) return { Name: 'network-interface.ipv6-addresses.ipv6-address', Values: [address] };
  return { Name: 'private-dns-name', Values: [address.toLowerCase()] };
}

function tagText(tag: Ec2Tag): string {
  return `${tag.key}=${tag.value}`;
}

function viewOf(instance: Instance): InstanceView {
  return {
    instanceId: instance.InstanceId ?? '',
    state: instance.State?.Name ?? 'unknown',
    ...(instance.PrivateIpAddress ? { privateIpAddress: instance.PrivateIpAddress } : {}),
    ...(instance.PrivateDnsName ? { privateDnsName: instance.PrivateDnsName } : {}),
  };
}

/**
 * Finds the target's instance: by its configured instance id, or by its address among the instances
 * carrying both tags. Refuses an instance without both tags and an address that matches several.
 */
export async function findInstance(
  client: EC2Client,
  session: Ec2Session,
  target: RestartTarget,
  tags: readonly [Ec2Tag, Ec2Tag],
): Promise<FindResult> {
  const { instanceId } = target;
  const filter = addressFilter(target.address);
  const resolvedBy = instanceId ? 'instance-id' : (filter.Name as string);
  const subject = instanceId ? `instance ${instanceId}` : `the instance at ${target.address}`;
  const input = instanceId
    ? { InstanceIds: [instanceId] }
    : {
        Filters: [
          filter,
          ...tags.map((tag) => ({ Name: `tag:${tag.key}`, Values: [tag.value] })),
          { Name: 'instance-state-name', Values: LIVE_STATES },
        ],
      };
  const result = await session.call('DescribeInstances', subject, () =>
    client.send(new DescribeInstancesCommand(input), { abortSignal: session.signal }),
  );
  if (result.kind === 'error')
    return { kind: 'failed', reason: result.reason, retryable: result.retryable, resolvedBy };
  const instances = (result.output.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
  const wanted = tags.map(tagText).join(' and ');
  if (instances.length === 0) {
    const reason = instanceId
      ? `instance ${instanceId} does not exist`
      : `no instance with ${filter.Name} ${target.address} carries ${wanted} (untagged and terminated instances are never restarted)`;
    return { kind: 'failed', reason, retryable: false, resolvedBy };
  }
  if (instances.length > 1) {
    const ids = instances.map((instance) => instance.InstanceId).join(', ');
    return {
      kind: 'failed',
      reason: `${instances.length} instances match ${target.address} (${ids}): refusing to guess; set instanceId in the configuration`,
      retryable: false,
      resolvedBy,
    };
  }
  const instance = instances[0] as Instance;
  const missing = tags.filter(
    (tag) => !instance.Tags?.some((t) => t.Key === tag.key && t.Value === tag.value),
  );
  if (missing.length > 0) {
    return {
      kind: 'failed',
      reason:
        `instance ${instance.InstanceId} does not carry ${missing.map(tagText).join(' and ')}: ` +
        `refusing to restart an instance that has not opted in`,
      retryable: false,
      resolvedBy,
    };
  }
  return { kind: 'found', instance: viewOf(instance), resolvedBy };
}
