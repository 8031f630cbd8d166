import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRICS } from '../functions/contract.ts';
import { clusterMetric, eventsByTypeExpression, type MetricName } from './metrics.ts';

export interface MonitorDashboardProps {
  readonly clusters: readonly string[];
  /** @default - a name CloudFormation generates */
  readonly dashboardName?: string;
}

const PERIOD = Duration.minutes(1);

/** One dashboard: is there a master, how the probes go, and what happened. */
export class MonitorDashboard extends Construct {
  readonly dashboard: cw.Dashboard;

  constructor(scope: Construct, id: string, props: MonitorDashboardProps) {
    super(scope, id);
    const perCluster = (metricName: MetricName, statistic: string) =>
      props.clusters.map((cluster) =>
        clusterMetric(metricName, cluster, { statistic, period: PERIOD, label: cluster }),
      );

    this.dashboard = new cw.Dashboard(this, 'Dashboard', {
      ...(props.dashboardName === undefined ? {} : { dashboardName: props.dashboardName }),
      defaultInterval: Duration.hours(6),
      widgets: [
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
