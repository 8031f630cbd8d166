import { type App, CfnOutput, Stack } from 'aws-cdk-lib';
import type { MonitorConfig } from '../shared/config/index.ts';
import { deployableAws } from './deploy-config.ts';
import { DremioFailoverMonitor } from './dremio-failover-monitor.ts';
import { importNetwork } from './network.ts';
import { propsFromConfig } from './props-from-config.ts';

export interface MonitorStackOptions {
  readonly config: MonitorConfig;
  /** The file as compact JSON (the functions read JSON), stored in SSM. */
  readonly configText: string;
  /** Where the configuration came from, named in errors. */
  readonly source: string;
  /** Route tables of the subnets, for the DynamoDB gateway endpoint (`-c routeTableIds=rtb-1,rtb-2`); default aws.vpc.routeTableIds. */
  readonly routeTableIds?: readonly string[];
  /** Account and region when the configuration names none (CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION). */
  readonly defaultAccount?: string;
  readonly defaultRegion?: string;
}

/** The stack `npm run deploy` deploys: aws.stackName with the construct, configured by the file. */
export function buildMonitorStack(
  app: App,
  options: MonitorStackOptions,
): { stack: Stack; monitor: DremioFailoverMonitor } {
  const { config, source } = options;
  const routeTableIds = options.routeTableIds ?? config.aws?.vpc?.routeTableIds ?? [];
  const aws = deployableAws(config, source, routeTableIds);
  const account = aws.account ?? options.defaultAccount;
  const region = aws.region ?? options.defaultRegion;
  const stack = new Stack(app, aws.stackName, {
    description: 'dremio-ha-monitor: failover monitor for Dremio HA clusters',
    ...(account === undefined && region === undefined
      ? {}
      : {
          env: { ...(account === undefined ? {} : { account }), ...(region === undefined ? {} : { region }) },
        }),
  });
  const monitor = new DremioFailoverMonitor(stack, 'Monitor', {
    ...propsFromConfig(config, options.configText),
    ...importNetwork(stack, aws.vpc, routeTableIds),
  });
  new CfnOutput(stack, 'TableName', { value: monitor.table.tableName });
  new CfnOutput(stack, 'AlarmTopicArn', { value: monitor.alarmTopic.topicArn });
  new CfnOutput(stack, 'RemediationTopicArn', { value: monitor.remediationTopic.topicArn });
  new CfnOutput(stack, 'SlackSecretArn', {
    value: monitor.slackSecret.secretArn,
    description: 'Put the Slack webhook URL or bot token here, then reference this ARN in the configuration',
  });
  new CfnOutput(stack, 'MonitorFunctionName', { value: monitor.monitorFunction.functionName });
  new CfnOutput(stack, 'DashboardName', { value: monitor.dashboard.dashboardName });
  if (monitor.interactionsUrl) {
    new CfnOutput(stack, 'SlackInteractionsUrl', {
      value: `${monitor.interactionsUrl.url}slack/interactions`,
      description: "The Slack app's Interactivity Request URL (Acknowledge buttons)",
    });
  }
  return { stack, monitor };
}
