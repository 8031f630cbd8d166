/** Prometheus Alertmanager (API v2): our incidents as alerts, for its routing, silences and inhibition. */
export {
  AlertmanagerNotifier,
  type AlertmanagerNotifierOptions,
  alertmanagerBaseUrl,
  classifyAlertmanagerAnswer,
  DEFAULT_KEEP_ALIVE_EVERY_MS,
} from './alertmanager-notifier.ts';
export {
  type AlertmanagerAction,
  alertLabels,
  alertmanagerAction,
  incidentMatcher,
  type PostableAlert,
  renderAlert,
  resolvedAlert,
} from './render.ts';
