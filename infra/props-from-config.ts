import type { MonitorConfig } from '../shared/config/index.ts';
import { DeployConfigError } from './deploy-config.ts';
import type { DremioFailoverMonitorProps, MonitoredCluster } from './dremio-failover-monitor.ts';

/** What a configuration file decides of the construct: everything but the network, which needs a scope. */
export type ConfigProps = Omit<DremioFailoverMonitorProps, 'vpc' | 'vpcSubnets' | 'securityGroups'>;

/**
 * The construct's props from a parsed configuration and the text it was parsed from (stored as is in
 * SSM, so the functions read exactly what was validated). Pure: no I/O, no constructs.
 */
export function propsFromConfig(config: MonitorConfig, configText: string): ConfigProps {
  const aws = config.aws;
  for (const [index, cluster] of config.clusters.entries()) {
    const { region, serviceUnit } = cluster.remediation.ec2;
    // The service check runs the stack's own SSM document, which exists in the stack's region only.
    if (cluster.remediation.enabled && serviceUnit && region && aws?.region && region !== aws.region) {
      throw new DeployConfigError(
        `clusters[${index}].remediation.ec2: serviceUnit needs the instances in the stack's region (${aws.region}), not ${region}: deploy a stack in ${region} for this cluster`,
      );
    }
  }
  return {
    clusters: config.clusters.map(
      (cluster): MonitoredCluster => ({
        name: cluster.name,
        zookeeperPorts: unique(cluster.zookeeper.connect.split(',').map(connectPort)),
        webPorts: unique(cluster.coordinators.map((coordinator) => webPort(coordinator.webUrl))),
        ...(cluster.remediation.enabled
          ? {
              remediation: {
                clusterTag: cluster.remediation.ec2.clusterTag ?? cluster.name,
                ...(cluster.remediation.ec2.region ? { region: cluster.remediation.ec2.region } : {}),
              },
            }
          : {}),
      }),
    ),
    configText,
    notificationTopicArns: unique(
      Object.values(config.channels).flatMap((channel) => (channel.kind === 'sns' ? [channel.topicArn] : [])),
    ),
    secretArns: unique(Object.values(config.channels).flatMap((channel) => secretArnsIn(channel))),
    channelPorts: unique(Object.values(config.channels).flatMap(channelPorts)),
    slackInteractions: Object.values(config.channels).some(
      (channel) => channel.kind === 'slack-bot' && channel.signingSecret !== undefined,
    ),
    serviceUnits: unique(
      config.clusters.flatMap((cluster) =>
        cluster.remediation.enabled && cluster.remediation.ec2.serviceUnit !== undefined
          ? [cluster.remediation.ec2.serviceUnit]
          : [],
      ),
    ),
    ...(aws === undefined
      ? {}
      : {
          configParameterName: aws.configParameter,
          tableName: aws.tableName,
          mode: aws.mode,
          scheduleMinutes: aws.scheduleMinutes,
          ...(aws.watchMs === undefined ? {} : { watchMs: aws.watchMs }),
          intervalMs: aws.intervalMs,
          alarmEmails: aws.alarmEmails,
          vpcEndpoints: aws.vpc?.endpoints ?? false,
          metrics: aws.metrics,
          ...(aws.monitorMemoryMb === undefined ? {} : { monitorMemoryMb: aws.monitorMemoryMb }),
          ...(aws.remediateMemoryMb === undefined ? {} : { remediateMemoryMb: aws.remediateMemoryMb }),
        }),
  };
}

/** The port of one `host:port` entry of a ZooKeeper connect string (the schema guarantees the port). */
function connectPort(entry: string): number {
  return Number(entry.slice(entry.lastIndexOf(':') + 1));
}

/** The TCP port of a coordinator's web URL; URL drops a scheme's default port, so it is put back. */
export function webPort(webUrl: string): number {
  const url = new URL(webUrl);
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function unique<T extends string | number>(values: readonly T[]): T[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The ports of the endpoints a channel names in the file (an Alertmanager, a webhook, PagerDuty's or
 * Slack's API base), when not 443; a URL behind a secret (Teams) is not known at synth and gets 443.
 */
function channelPorts(channel: MonitorConfig['channels'][string]): number[] {
  const url =
    channel.kind === 'alertmanager' || channel.kind === 'webhook'
      ? channel.url
      : channel.kind === 'pagerduty'
        ? channel.eventsUrl
        : channel.kind === 'slack-bot'
          ? channel.apiBaseUrl
          : undefined;
  if (url === undefined) return [];
  const port = webPort(url);
  return port === 443 ? [] : [port];
}

/** Every Secrets Manager ARN a channel refers to, wherever in it (a token, a routing key, a header). */
function secretArnsIn(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const arn = (value as { secretsManagerArn?: unknown }).secretsManagerArn;
  if (typeof arn === 'string') return [arn];
  return Object.values(value).flatMap(secretArnsIn);
}
