import { METRIC_SETS } from '../shared/config/aws-schema.ts';

/**
 * What the Lambda functions and the CDK construct agree on: environment variables, metric names and
 * dimensions, the remediation topic's filter. One place, so the alarms watch what the code emits.
 */

export const SERVICE_NAME = 'dremio-ha-monitor';

/** CloudWatch namespace of every metric (EMF, through Powertools Metrics). */
export const METRIC_NAMESPACE = 'DremioHaMonitor';

/**
 * Every metric has the dimensions `service` (SERVICE_NAME) and `cluster`; `Events` also has `type`
 * (the event type). Units: Count unless said.
 */
export const METRICS = {
  /** 1 per completed tick of a cluster: the dead man's switch (an alarm treats missing as breaching). */
  heartbeat: 'Heartbeat',
  /** Milliseconds of one observation (ZooKeeper + HTTP). */
  probeDuration: 'ProbeDuration',
  /** 1 when one master is registered and answers 200, else 0. */
  masterUp: 'MasterUp',
  coordinatorsUp: 'CoordinatorsUp',
  executors: 'Executors',
  zookeeperServersServing: 'ZooKeeperServersServing',
  /** Events recorded, with the extra dimension `type`. */
  events: 'Events',
  /** Deliveries given up (DELIVERY_FAILED). */
  deliveryFailures: 'DeliveryFailures',
  /** Actions that failed (REMEDIATION_FAILED), counted by the monitor when recorded. */
  remediationFailures: 'RemediationFailures',
} as const;

/**
 * Which metrics the functions emit (`aws.metrics`, the construct's `metrics`). Each metric name
 * costs a custom metric per cluster a month, so `minimal` emits only what the alarms watch (the
 * construct's alarms use exactly these): the heartbeat always, the failure counts only when
 * something failed. `full` adds the observation figures and events by type, for the dashboard.
 */
export { METRIC_SETS };
export type MetricSet = (typeof METRIC_SETS)[number];

/** The metrics of `minimal`: those the alarms watch (infra/alarms.ts). */
export const ALARM_METRICS = [
  METRICS.heartbeat,
  METRICS.deliveryFailures,
  METRICS.remediationFailures,
] as const;

/** Environment of the functions, set by the construct. */
export const ENV = {
  /** DynamoDB table of state and audit log. */
  tableName: 'TABLE_NAME',
  /** SSM parameter (name) holding the configuration file (YAML or JSON). */
  configParameter: 'CONFIG_PARAMETER',
  /** `poll` or `watch`. */
  mode: 'MONITOR_MODE',
  watchMs: 'WATCH_MS',
  intervalMs: 'INTERVAL_MS',
  /** `minimal` or `full` (METRIC_SETS); unset: minimal. */
  metrics: 'METRIC_SET',
  /** The internal topic the remediate function is subscribed to; unset: no remediation on AWS. */
  remediationTopicArn: 'REMEDIATION_TOPIC_ARN',
  /** The construct's SSM document that runs only `systemctl is-active` on a configured unit. */
  serviceCheckDocument: 'SERVICE_CHECK_DOCUMENT',
} as const;

/** The input each EventBridge Scheduler schedule gives the monitor function: one cluster per schedule. */
export interface ScheduledInput {
  readonly cluster: string;
}

/** SNS message attribute the remediate subscription filters on (set by the SNS notifier). */
export const REMEDIATION_FILTER = { eventType: ['REMEDIATION_STARTED'] } as const;
