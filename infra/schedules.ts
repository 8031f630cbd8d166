import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ScheduledInput } from '../functions/contract.ts';

export interface MonitorSchedulesProps {
  readonly clusters: readonly string[];
  readonly scheduleMinutes: number;
  readonly target: lambda.IFunction;
  /** Where the scheduler puts invocations it could not deliver. */
  readonly deadLetterQueue: sqs.IQueue;
}

/** One EventBridge Scheduler schedule per cluster, so one slow cluster never delays another. */
export class MonitorSchedules extends Construct {
  readonly schedules: scheduler.CfnSchedule[];
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: MonitorSchedulesProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      description: 'EventBridge Scheduler: invoke the dremio-ha-monitor function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    // Written out rather than granted: grantInvoke would also allow every version (`:*`).
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [props.target.functionArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [props.deadLetterQueue.queueArn],
      }),
    );
    const minutes = props.scheduleMinutes;
    this.schedules = props.clusters.map(
      (cluster) =>
        new scheduler.CfnSchedule(this, `Cluster-${cluster}`, {
          description: `dremio-ha-monitor: observe cluster ${cluster}`,
          scheduleExpression: `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`,
          flexibleTimeWindow: { mode: 'OFF' },
          state: 'ENABLED',
          target: {
            arn: props.target.functionArn,
            roleArn: this.role.roleArn,
            input: JSON.stringify({ cluster } satisfies ScheduledInput),
            // An invocation older than the next one is worth nothing: the next one observes afresh.
            retryPolicy: {
              maximumRetryAttempts: 2,
              maximumEventAgeInSeconds: Math.max(60, minutes * 60),
            },
            deadLetterConfig: { arn: props.deadLetterQueue.queueArn },
          },
        }),
    );
    // Every schedule must exist only once its role may invoke, or the first invocations fail.
    for (const schedule of this.schedules) schedule.node.addDependency(this.role);
  }
}
