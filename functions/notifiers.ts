import { SNSClient } from '@aws-sdk/client-sns';
import type { MonitorConfig } from '../shared/config/schema.ts';
import type { Agent } from '../shared/http/undici.ts';
import { buildNotifiers } from '../shared/notify/channels.ts';
import type { Notifier } from '../shared/notify/notifier.ts';
import { SnsNotifier } from '../shared/notify/sns/index.ts';
import { REMEDIATION_CHANNEL } from './runtime.ts';

/**
 * The notifiers of a configuration plus, when remediation runs on AWS, the internal channel to the
 * remediation topic (routed to by `withRemediationRoute`). A module of its own: the runtime loads it
 * (and the SNS client) at the first invocation, not in the init phase.
 */
export async function notifiersFor(
  config: MonitorConfig,
  options: {
    readonly dispatcher: Agent;
    readonly getSecret?: (arn: string) => Promise<string>;
    readonly remediation?: { readonly topicArn: string };
    readonly sns?: SNSClient;
  },
): Promise<Map<string, Notifier>> {
  const notifiers = await buildNotifiers(config.channels, {
    dispatcher: options.dispatcher,
    ...(options.getSecret ? { secrets: { getSecret: options.getSecret } } : {}),
    ...(options.sns ? { snsClient: () => options.sns as SNSClient } : {}),
  });
  const remediation = options.remediation;
  if (remediation) {
    const region = remediation.topicArn.split(':')[3] ?? 'us-east-1';
    notifiers.set(
      REMEDIATION_CHANNEL,
      new SnsNotifier({
        channel: REMEDIATION_CHANNEL,
        topicArn: remediation.topicArn,
        client: options.sns ?? new SNSClient({ region, maxAttempts: 1 }),
      }),
    );
  }
  return notifiers;
}
