import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC_NAMESPACE, METRICS, SERVICE_NAME } from '../functions/contract.ts';

/** The metrics the functions emit (functions/contract.ts), as CloudWatch metrics. Definitions only. */

export type MetricName = (typeof METRICS)[keyof typeof METRICS];

export function clusterMetric(
  metricName: MetricName,
  cluster: string,
  options: { statistic: string; period: Duration; label?: string },
): cw.Metric {
  return new cw.Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME, cluster },
    statistic: options.statistic,
    period: options.period,
    // A label turns an alarm's metric into a metric-math form; only graphs want one.
    ...(options.label === undefined ? {} : { label: options.label }),
  });
}

/** Every event type of every cluster, one line each, without listing the event types here. */
export function eventsByTypeExpression(period: Duration): cw.MathExpression {
  return new cw.MathExpression({
    expression: `SEARCH('{${METRIC_NAMESPACE},cluster,service,type} MetricName="${METRICS.events}"', 'Sum', ${period.toSeconds()})`,
    usingMetrics: {},
    period,
    label: '',
  });
}

/** The heartbeat period: one schedule interval, and never under CloudWatch's one minute. */
export function heartbeatPeriod(scheduleMinutes: number): Duration {
  return Duration.seconds(Math.max(60, scheduleMinutes * 60));
}
