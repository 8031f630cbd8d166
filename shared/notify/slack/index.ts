/** Slack: an incoming-webhook notifier, a bot (Web API) notifier with threads, and Block Kit rendering. */
export {
  classifyApiAnswer,
  type SlackApiResult,
  SlackBotNotifier,
  type SlackBotNotifierOptions,
} from './bot-notifier.ts';
export {
  ACKNOWLEDGE_BUTTON_ACTION,
  escapeSlack,
  renderSlackAcknowledgedParent,
  renderSlackMessage,
  renderSlackResolvedParent,
  type SlackBlock,
  type SlackButton,
  type SlackMessage,
  type SlackText,
  slackLink,
} from './render.ts';
export {
  classifyWebhookAnswer,
  SlackWebhookNotifier,
  type SlackWebhookNotifierOptions,
} from './webhook-notifier.ts';
