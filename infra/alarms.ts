import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS } from '../functions/contract.ts';
import { clusterMetric, heartbeatPeriod } from './metrics.ts';

export interface MonitorAlarmsProps {
  /** Every alarm notifies here, when it fires and when it recovers. */
  readonly topic: sns.ITopic;
  readonly clusters: readonly string[];
  readonly scheduleMinutes: number;
  readonly monitorFunction: lambda.IFunction;
  readonly remediateFunction: lambda.IFunction;
  /** Queues that should stay empty, by a name used in the alarm's description. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
}

/** Heartbeat evaluation periods: a few missed ticks, not one, before paging. */
export const HEARTBEAT_EVALUATION_PERIODS = 3;

/** Sum (or maximum) >= 1 in one period; no data means nothing happened. */
const atLeastOnce = {
  comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  threshold: 1,
  evaluationPeriods: 1,
  treatMissingData: cw.TreatMissingData.NOT_BREACHING,
} as const;

/** The monitor's own health: the dead man's switch per cluster, function faults, failed deliveries. */
export class MonitorAlarms extends Construct {
  readonly alarms: cw.Alarm[] = [];
  private readonly action: cw.IAlarmAction;

  constructor(scope: Construct, id: string, props: MonitorAlarmsProps) {
    super(scope, id);
    this.action = new actions.SnsAction(props.topic);
    const period = heartbeatPeriod(props.scheduleMinutes);
    // Function metrics over at least five minutes: one fault pages, without flapping at each tick.
    const functionPeriod = Duration.seconds(Math.max(300, period.toSeconds()));

    for (const cluster of props.clusters) {
      this.add(`Heartbeat-${cluster}`, {
        metric: clusterMetric(METRICS.heartbeat, cluster, { statistic: 'Sum', period }),
        alarmDescription: `dremio-ha-monitor has not completed a tick of cluster ${cluster}: the monitor itself is down or stuck.`,
        comparisonOperator: cw.ComparisonOperator.LESS_THAN_THRESHOLD,
        threshold: 1,
        evaluationPeriods: HEARTBEAT_EVALUATION_PERIODS,
        // No data is exactly what a dead monitor produces.
        treatMissingData: cw.TreatMissingData.BREACHING,
      });
      this.add(`DeliveryFailures-${cluster}`, {
        metric: clusterMetric(METRICS.deliveryFailures, cluster, { statistic: 'Sum', period }),
        alarmDescription: `A notification about cluster ${cluster} was given up (DELIVERY_FAILED).`,
        ...atLeastOnce,
      });
      this.add(`RemediationFailures-${cluster}`, {
        metric: clusterMetric(METRICS.remediationFailures, cluster, { statistic: 'Sum', period }),
        alarmDescription: `An automatic restart in cluster ${cluster} failed (REMEDIATION_FAILED).`,
        ...atLeastOnce,
      });
    }

    this.add('MonitorErrors', {
      metric: props.monitorFunction.metricErrors({ period: functionPeriod, statistic: 'Sum' }),
      alarmDescription: 'The monitor function failed (an exception, a timeout or running out of memory).',
      ...atLeastOnce,
    });
    this.add('MonitorThrottles', {
      metric: props.monitorFunction.metricThrottles({ period: functionPeriod, statistic: 'Sum' }),
      alarmDescription: 'The monitor function was throttled: ticks were skipped.',
      ...atLeastOnce,
    });
    this.add('RemediateErrors', {
      metric: props.remediateFunction.metricErrors({ period: functionPeriod, statistic: 'Sum' }),
      alarmDescription: 'The remediate function failed (an exception, a timeout or running out of memory).',
      ...atLeastOnce,
    });
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.add(`DeadLetters-${name}`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        alarmDescription: `Messages in the ${name} dead-letter queue: invocations that never ran.`,
        ...atLeastOnce,
      });
    }
  }

  private add(id: string, props: cw.AlarmProps): cw.Alarm {
    const alarm = new cw.Alarm(this, id, props);
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }
}
