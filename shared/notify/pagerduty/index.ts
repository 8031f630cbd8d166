/** PagerDuty Events API v2: trigger, acknowledge and resolve, with the incident key as dedup_key. */
export {
  classifyPagerDutyAnswer,
  PAGERDUTY_EVENTS_URL,
  PagerDutyNotifier,
  type PagerDutyNotifierOptions,
} from './pagerduty-notifier.ts';
export {
  DEDUP_KEY_MAX_CHARS,
  dedupKeyOf,
  type PagerDutyAction,
  type PagerDutyEvent,
  type PagerDutyPayload,
  pagerDutyAction,
  renderPagerDutyEvent,
  SUMMARY_MAX_CHARS,
} from './render.ts';
