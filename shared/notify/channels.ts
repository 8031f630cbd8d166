import type { SNSClient } from '@aws-sdk/client-sns';
import type { Dispatcher } from 'undici';
import type { MonitorConfig, SecretReference } from '../config/schema.ts';
import { resolveSecret, type SecretSources } from '../config/secrets.ts';
import { AlertmanagerNotifier } from './alertmanager/index.ts';
import type { DeliveryOutcome, Notifier } from './notifier.ts';
import { PagerDutyNotifier } from './pagerduty/index.ts';
import { SlackBotNotifier, SlackWebhookNotifier } from './slack/index.ts';
import { TeamsNotifier } from './teams/index.ts';
import { WebhookNotifier } from './webhook/webhook-notifier.ts';

type ChannelConfig = MonitorConfig['channels'][string];

/** A channel that cannot work as configured (its secret is missing): every delivery fails, saying why. */
class UnavailableNotifier implements Notifier {
  constructor(
    readonly channel: string,
    private readonly reason: string,
  ) {}
  async send(): Promise<DeliveryOutcome> {
    return { kind: 'failed', reason: this.reason };
  }
}

export interface ChannelDependencies {
  readonly dispatcher: Dispatcher;
  readonly secrets?: SecretSources;
  /** @default a client for the topic's region, retries left to the delivery loop */
  readonly snsClient?: (region: string) => SNSClient;
}

async function build(name: string, config: ChannelConfig, deps: ChannelDependencies): Promise<Notifier> {
  switch (config.kind) {
    case 'slack-webhook': {
      const webhookUrl = await resolveSecret(config.webhookUrl, deps.secrets);
      return new SlackWebhookNotifier({ channel: name, webhookUrl, dispatcher: deps.dispatcher });
    }
    case 'slack-bot': {
      const token = await resolveSecret(config.token, deps.secrets);
      return new SlackBotNotifier({
        channel: name,
        token,
        channelId: config.channelId,
        dispatcher: deps.dispatcher,
        acknowledgeButton: config.signingSecret !== undefined,
        ...(config.apiBaseUrl === undefined ? {} : { apiBaseUrl: config.apiBaseUrl }),
      });
    }
    case 'pagerduty': {
      const routingKey = await resolveSecret(config.routingKey, deps.secrets);
      return new PagerDutyNotifier({
        channel: name,
        routingKey,
        dispatcher: deps.dispatcher,
        ...(config.eventsUrl === undefined ? {} : { eventsUrl: config.eventsUrl }),
      });
    }
    case 'teams-workflow': {
      const webhookUrl = await resolveSecret(config.webhookUrl, deps.secrets);
      return new TeamsNotifier({ channel: name, webhookUrl, dispatcher: deps.dispatcher });
    }
    case 'webhook': {
      const signingSecret = await resolveSecret(config.signingSecret, deps.secrets);
      return new WebhookNotifier({
        channel: name,
        url: config.url,
        signingSecret,
        headers: await resolveHeaders(config.headers, deps.secrets),
        dispatcher: deps.dispatcher,
      });
    }
    case 'alertmanager':
      return new AlertmanagerNotifier({
        channel: name,
        url: config.url,
        headers: await resolveHeaders(config.headers, deps.secrets),
        dispatcher: deps.dispatcher,
        ...(config.resolveTimeoutMs === undefined ? {} : { resolveTimeoutMs: config.resolveTimeoutMs }),
      });
    case 'sns': {
      // The SNS client and notifier load only for a configuration with an SNS channel: a process
      // that only talks to Slack never holds the AWS SDK's SNS modules in memory.
      const [{ SNSClient }, { SnsNotifier }] = await Promise.all([
        import('@aws-sdk/client-sns'),
        import('./sns/index.ts'),
      ]);
      const region = config.topicArn.split(':')[3] ?? 'us-east-1';
      const client = deps.snsClient?.(region) ?? new SNSClient({ region, maxAttempts: 1 });
      return new SnsNotifier({ channel: name, topicArn: config.topicArn, client });
    }
  }
}

async function resolveHeaders(
  headers: Readonly<Record<string, SecretReference>> | undefined,
  secrets: SecretSources | undefined,
): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {};
  for (const [header, reference] of Object.entries(headers ?? {})) {
    resolved[header] = await resolveSecret(reference, secrets);
  }
  return resolved;
}

/**
 * The configured channels as notifiers. A channel whose secret cannot be resolved still exists: its
 * deliveries fail with the reason (recorded, then DELIVERY_FAILED on the other channels), so one
 * broken channel never stops the monitor or the other channels.
 */
export async function buildNotifiers(
  channels: MonitorConfig['channels'],
  deps: ChannelDependencies,
): Promise<Map<string, Notifier>> {
  const notifiers = new Map<string, Notifier>();
  for (const [name, config] of Object.entries(channels)) {
    try {
      notifiers.set(name, await build(name, config, deps));
    } catch (error) {
      notifiers.set(
        name,
        new UnavailableNotifier(name, `channel ${name} is not usable: ${(error as Error).message}`),
      );
    }
  }
  return notifiers;
}

/**
 * The signing secrets of the Slack bot channels that take clicks (usually one app's), resolved: a
 * request signed with any of them is Slack's. Empty when no channel has one.
 */
export async function slackSigningSecrets(
  channels: MonitorConfig['channels'],
  secrets?: SecretSources,
): Promise<string[]> {
  const resolved = new Set<string>();
  for (const config of Object.values(channels)) {
    if (config.kind === 'slack-bot' && config.signingSecret) {
      resolved.add(await resolveSecret(config.signingSecret, secrets));
    }
  }
  return [...resolved];
}
