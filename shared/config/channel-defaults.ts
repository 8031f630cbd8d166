/**
 * Defaults of channel settings that the schema's checks and the notifiers both need, without zod:
 * a notifier importing them does not load the configuration schema.
 */

/** An Alertmanager channel's `resolveTimeoutMs`: an open incident's alert ends 15 minutes after it was last sent. */
export const ALERTMANAGER_RESOLVE_TIMEOUT_MS = 900_000;
