import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRICS, type MetricSet } from '../functions/contract.ts';
import { clusterMetric, eventsByTypeExpression, type MetricName } from './metrics.ts';

export interface MonitorDashboardProps {
  readonly clusters: readonly string[];
  /** @default - a name CloudFormation generates */
  readonly dashboardName?: string;
  /** What the functions emit: the dashboard charts only those. @default 'minimal' */
  readonly metrics?: MetricSet;
}

const PERIOD = Duration.minutes(1);

/**
 * One dashboard. `full`: is there a master, how the probes go, and what happened. `minimal`: the
 * heartbeats and failures the alarms watch, and a note on what `full` adds (nothing is charted that
 * is not emitted).
 */
export class MonitorDashboard extends Construct {
  readonly dashboard: cw.Dashboard;

  constructor(scope: Construct, id: string, props: MonitorDashboardProps) {
    super(scope, id);
    const perCluster = (metricName: MetricName, statistic: string) =>
      props.clusters.map((cluster) =>
        clusterMetric(metricName, cluster, { statistic, period: PERIOD, label: cluster }),
      );

    const minimal: cw.IWidget[][] = [
      [
        new cw.GraphWidget({
          title: 'Heartbeat (completed ticks per minute; the alarm fires on missing ones)',
          left: perCluster(METRICS.heartbeat, 'Sum'),
          leftYAxis: { min: 0, showUnits: false },
          width: 12,
        }),
        new cw.GraphWidget({
          title: 'Deliveries given up and failed restarts',
          left: [
            ...perCluster(METRICS.deliveryFailures, 'Sum'),
            ...perCluster(METRICS.remediationFailures, 'Sum'),
          ],
          leftYAxis: { min: 0, showUnits: false },
          width: 12,
        }),
      ],
      [
        new cw.TextWidget({
          markdown:
            'Metrics: **minimal** (only what the alarms watch). Master up, coordinators up, ZooKeeper servers, probe duration and events by type are emitted with `metrics: full` (`aws.metrics` in the configuration), at $0.30 per metric and cluster a month; the audit log and `dremio-ha-monitor events` have every event either way.',
          width: 24,
          height: 3,
        }),
      ],
    ];
    this.dashboard = new cw.Dashboard(this, 'Dashboard', {
      ...(props.dashboardName === undefined ? {} : { dashboardName: props.dashboardName }),
      defaultInterval: Duration.hours(6),
      widgets:
        (props.metrics ?? 'minimal') === 'minimal'
          ? minimal
          : [
              [
                new cw.GraphWidget({
                  title: 'Master up (1 = one master registered and answering 200)',
                  left: perCluster(METRICS.masterUp, 'Minimum'),
                  leftYAxis: { min: 0, max: 1, showUnits: false },
                  width: 12,
                }),
                new cw.GraphWidget({
                  title: 'Events by type',
                  left: [eventsByTypeExpression(PERIOD)],
                  stacked: true,
                  width: 12,
                }),
              ],
              [
                new cw.GraphWidget({
                  title: 'Probe duration (ms, p99)',
                  left: perCluster(METRICS.probeDuration, 'p99'),
                  leftYAxis: { min: 0, showUnits: false },
                  width: 8,
                }),
                new cw.GraphWidget({
                  title: 'Coordinators up',
                  left: perCluster(METRICS.coordinatorsUp, 'Minimum'),
                  leftYAxis: { min: 0, showUnits: false },
                  width: 8,
                }),
                new cw.GraphWidget({
                  title: 'ZooKeeper servers serving',
                  left: perCluster(METRICS.zookeeperServersServing, 'Minimum'),
                  leftYAxis: { min: 0, showUnits: false },
                  width: 8,
                }),
              ],
            ],
    });
  }
}
