import type { MonitorEvent } from '../shared/events/types.ts';
import {
  integerFlag,
  loadConfig,
  parse,
  runCommand,
  STORE_OPTIONS,
  STORE_USAGE,
  selectClusters,
  UsageError,
  withStore,
} from './context.ts';
import { EXIT } from './exit-codes.ts';
import { eventJson, eventLine } from './render-event.ts';

export const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const USAGE = `[--cluster NAME] [--since ISO|30m|6h|7d] [--type TYPE[,TYPE]] [--limit N] [--json] ${STORE_USAGE}`;

/** `--since` as an ISO time, or a duration back from now (`90s`, `30m`, `6h`, `7d`). */
export function parseSince(text: string | undefined, now: number): string | undefined {
  if (text === undefined) return undefined;
  const relative = /^(\d+)([smhd])$/.exec(text);
  if (relative) {
    const unit = UNIT_MS[relative[2] as keyof typeof UNIT_MS];
    return new Date(now - Number(relative[1]) * unit).toISOString();
  }
  const at = Date.parse(text);
  if (Number.isNaN(at))
    throw new UsageError(`--since ${JSON.stringify(text)}: expected an ISO time or 30m, 6h, 7d`);
  return new Date(at).toISOString();
}

/** `events`: the audit log, oldest first, across the configured clusters. */
export function eventsCommand(argv: readonly string[]): Promise<number> {
  return runCommand('events', USAGE, async () => {
    const { values } = parse(argv, {
      ...STORE_OPTIONS,
      cluster: { type: 'string' },
      since: { type: 'string' },
      type: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    });
    const limit = integerFlag(values, 'limit', { fallback: 1000, min: 1 });
    const config = await loadConfig(values.config);
    const clusters = selectClusters(config, values.cluster);
    const since = parseSince(values.since, Date.now());
    const types = values.type?.split(',').map((type) => type.trim().toUpperCase());
    return withStore(values, async (store) => {
      const events: MonitorEvent[] = [];
      for (const cluster of clusters) {
        // Newest first, so that `--limit` keeps the latest events.
        const found: MonitorEvent[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.events({
            cluster: cluster.name,
            order: 'newest-first',
            ...(since ? { since } : {}),
            ...(types ? { types } : {}),
            ...(cursor ? { cursor } : {}),
            limit: Math.min(limit - found.length, 1000),
          });
          found.push(...page.events);
          cursor = page.cursor;
        } while (cursor && found.length < limit);
        events.push(...found);
      }
      // ULIDs sort by time: one timeline across clusters, oldest first.
      const timeline = events.sort((a, b) => a.id.localeCompare(b.id)).slice(-limit);
      for (const event of timeline) console.log(values.json ? eventJson(event) : eventLine(event));
      return EXIT.healthy;
    });
  });
}
