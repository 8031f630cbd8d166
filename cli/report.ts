import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { MonitorEvent } from '../shared/events/types.ts';
import type { Store } from '../shared/record/index.ts';
import { buildTimeline, type ClusterTimeline, renderReport } from '../shared/report/index.ts';
import {
  loadConfig,
  parse,
  runCommand,
  STORE_OPTIONS,
  STORE_USAGE,
  selectClusters,
  UsageError,
  withStore,
} from './context.ts';
import { parseSince } from './events.ts';
import { EXIT } from './exit-codes.ts';

const USAGE = `[--cluster NAME] [--since ISO|30m|6h|7d] --out FILE.html ${STORE_USAGE}`;

/** Every event of a cluster since `since` (all when undefined), oldest first, page by page. */
async function allEvents(store: Store, cluster: string, since: string | undefined): Promise<MonitorEvent[]> {
  const events: MonitorEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.events({
      cluster,
      order: 'oldest-first',
      limit: 1000,
      ...(since ? { since } : {}),
      ...(cursor ? { cursor } : {}),
    });
    events.push(...page.events);
    cursor = page.cursor;
  } while (cursor);
  return events;
}

/** `report`: one HTML page of the audit log (master timeline, failovers, incidents, remediation). */
export function reportCommand(argv: readonly string[]): Promise<number> {
  return runCommand('report', USAGE, async () => {
    const { values } = parse(argv, {
      ...STORE_OPTIONS,
      cluster: { type: 'string' },
      since: { type: 'string' },
      out: { type: 'string' },
    });
    if (!values.out) throw new UsageError('--out FILE.html is required');
    const out = resolve(values.out);
    const config = await loadConfig(values.config);
    const clusters = selectClusters(config, values.cluster);
    const now = Date.now();
    const since = parseSince(values.since, now);
    const page = await withStore(values, async (store) => {
      const timelines: ClusterTimeline[] = [];
      for (const cluster of clusters) {
        const events = await allEvents(store, cluster.name, since);
        timelines.push(
          buildTimeline(events, {
            cluster: cluster.name,
            until: now,
            ...(since ? { since: Date.parse(since) } : {}),
          }),
        );
      }
      return renderReport(timelines, {
        generatedAt: now,
        since: since ? Date.parse(since) : null,
        until: now,
      });
    });
    try {
      await writeFile(out, page);
    } catch (error) {
      // A wrong path is the user's to fix, not a bug: say which and why.
      throw new UsageError(`--out ${values.out}: ${(error as Error).message}`);
    }
    console.log(out);
    return EXIT.healthy;
  });
}
