import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { Agent } from '../../shared/http/undici.ts';
import { handleSlackInteraction } from '../../shared/interact/slack-interactions.ts';
import { slackResponder } from '../../shared/interact/slack-reply.ts';
import { decideAndDeliver, slackAcknowledger } from '../../shared/monitor/slack-acknowledge.ts';
import { storeReplayGuard } from '../../shared/record/replay-guard.ts';
import type { Runtime } from '../runtime.ts';

const OWNER = `lambda-interactions:${process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? process.pid}`;

/**
 * The interactions function, behind a Lambda function URL without IAM auth: Slack's signature is the
 * gate (checked before anything is read), replays are refused, and the only thing it can do is
 * acknowledge an open incident, then deliver what that recorded (the Slack message, PagerDuty). It
 * has no permission to restart anything or to change the configuration.
 */
export function interactionsHandler(runtime: Runtime) {
  const dispatcher = new Agent({ connect: { timeout: 2000 }, keepAliveTimeout: 10_000 });
  const reply = slackResponder({ dispatcher });
  const firstSeen = storeReplayGuard(runtime.store);
  return async (event: LambdaFunctionURLEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    // A function URL passes a form body base64-encoded.
    const body =
      event.body === undefined
        ? ''
        : event.isBase64Encoded
          ? Buffer.from(event.body, 'base64').toString('utf8')
          : event.body;
    try {
      const config = await runtime.config();
      const signingSecrets = (await runtime.slackSigningSecrets?.(config)) ?? [];
      const response = await handleSlackInteraction(
        { method: event.requestContext?.http?.method ?? 'GET', headers: event.headers ?? {}, body },
        {
          signingSecrets,
          firstSeen,
          acknowledge: slackAcknowledger({
            config,
            decide: decideAndDeliver({
              store: runtime.store,
              notifiers: () => runtime.notifiers(config),
              owner: OWNER,
            }),
          }),
          reply,
          log: (entry) => runtime.logger.warn('slack interaction refused', entry),
        },
      );
      if (response.status === 200) runtime.logger.info('slack interaction', { status: 200 });
      return { statusCode: response.status, headers: { 'content-type': 'text/plain' }, body: response.body };
    } catch (error) {
      // The configuration, a secret or the store failed: nothing was acknowledged, or it was and the
      // next click says so.
      runtime.logger.error('slack interaction failed', { error: (error as Error).message });
      return {
        statusCode: 503,
        headers: { 'content-type': 'text/plain' },
        body: 'could not record the acknowledgement; try again',
      };
    }
  };
}
