import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type MonitorConfig, parseConfig } from '../shared/config/index.ts';
import type { EventType, MonitorEvent } from '../shared/events/types.ts';
import { Agent } from '../shared/http/undici.ts';
import { type MonitorLoop, startMonitorLoop } from '../shared/monitor/monitor-loop.ts';
import { buildNotifiers } from '../shared/notify/channels.ts';
import { ClusterObserver } from '../shared/observe/observer.ts';
import { type LocalStore, startLocalStore } from '../shared/record/local-store.ts';
import { LocalExecutor } from '../shared/remediate/local/index.ts';
import { buildTimeline, renderReport } from '../shared/report/index.ts';
import { DremioNode, type EmulatedCluster, startDremioCluster } from '../test/support/dremio/cluster.ts';
import { coordinatorsOf } from '../test/support/monitor-config.ts';
import { type SlackReceiver, startSlackReceiver } from '../test/support/slack-receiver.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../test/support/zookeeper.ts';

const CLUSTER = 'demo';
/**
 * The session ZooKeeper grants (Dremio asks for 90 s; servers usually cap it at 40-60 s): the one
 * setting shortened, so that the failover comes in seconds. The monitor runs on its defaults.
 */
const SESSION_MS = 6000;
/** How long the emulated standby takes to start once it won the election (a real one: tens of seconds or more). */
const STANDBY_STARTUP_MS = 15_000;

/** What the demo changes from the defaults, and why: printed before the scenario. */
export const DEMO_SETTINGS = [
  'The monitor runs on its shipped defaults (probes every second, full observation every 10 s,',
  'MASTER_DOWN after 10 s without a master, remediation waiting 60 s after a failover before it acts).',
  `Changed for the demo: ZooKeeper grants ${SESSION_MS / 1000} s sessions (Dremio asks for 90 s; servers usually cap it`,
  `at 40-60 s), so the failover comes in seconds. The emulated standby takes ${STANDBY_STARTUP_MS / 1000} s to start.`,
];
const WEBHOOK_ENV = 'DEMO_SLACK_WEBHOOK';

/** One line of the timeline: what happened, when (epoch ms), and where it was seen. */
export interface Milestone {
  readonly at: number;
  readonly what: string;
  readonly source: 'dremio' | 'audit log' | 'slack';
  /** The audit log's event, for events. */
  readonly eventId?: string;
}

export interface FailoverResult {
  readonly killedAt: number;
  readonly milestones: readonly Milestone[];
  readonly auditLog: readonly MonitorEvent[];
  /** Every event of the timeline is in the audit log, in the same order, and nothing else happened. */
  readonly matches: boolean;
  readonly reportHtml: string;
}

export interface DemoRun {
  readonly zookeeper: string;
  readonly startupMs: number;
  readonly storeEndpoint: string;
  readonly configFile: string;
  nodes(): Array<{ name: string; role: string; pid: number }>;
  masterPid(): number | undefined;
  /** Every process the demo started, for the check that none is left behind. */
  pids(): number[];
  playFailover(): Promise<FailoverResult>;
  stop(): Promise<void>;
}

/** The events the scenario waits for, in the order they must be recorded. */
const EXPECTED: readonly EventType[] = [
  'MASTER_UNRESPONSIVE',
  'MASTER_DOWN',
  'FAILOVER_COMPLETED',
  'REMEDIATION_STARTED',
  'REMEDIATION_SUCCEEDED',
];

function demoConfig(cluster: EmulatedCluster, zookeeper: string): MonitorConfig {
  return parseConfig(
    {
      clusters: [
        {
          name: CLUSTER,
          zookeeper: { connect: zookeeper, clusterId: 'demo' },
          coordinators: coordinatorsOf(cluster),
          executors: { minimum: 2 },
          routes: [{ channel: 'oncall' }],
          runbookUrl: 'https://wiki.example/dremio/failover',
          remediation: { enabled: true },
        },
      ],
      channels: { oncall: { kind: 'slack-webhook', webhookUrl: { env: WEBHOOK_ENV } } },
    },
    'demo',
  );
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Starts ZooKeeper, the cluster, the local store, the local Slack and the monitor. */
export async function startDemo(options: {
  readonly dataDir: string;
  readonly print: (line: string) => void;
}): Promise<DemoRun> {
  const started = Date.now();
  const opened: {
    zk?: ZooKeeperCluster;
    cluster?: EmulatedCluster;
    store?: LocalStore;
    slack?: SlackReceiver;
    loop?: MonitorLoop;
  } = {};
  const observer = new ClusterObserver();
  const dispatcher = new Agent({ connect: { timeout: 2000 } });
  const committed = new Map<string, { readonly at: number; readonly type: EventType }>();
  const slackAt = new Map<string, number>();
  const pids = new Set<number>();
  const stop = async () => {
    await opened.loop?.close();
    await observer.close();
    await dispatcher.close();
    await opened.slack?.close();
    await opened.store?.close();
    await opened.cluster?.stop();
    await opened.zk?.stop();
  };
  try {
    opened.zk = await startZooKeeper({ tickTime: 200, maxSessionTimeout: SESSION_MS });
    for (const server of opened.zk.servers) if (server.pid) pids.add(server.pid);
    const zookeeper = opened.zk.connectString;
    opened.cluster = await startDremioCluster({
      zookeeper,
      executors: 2,
      // The standby's start-up outlasts the MASTER_DOWN confirmation (10 s), so the outage is seen as one.
      common: { clusterId: 'demo' },
      nodes: { 'master-b': { startupDelayMs: STANDBY_STARTUP_MS } },
    });
    const cluster = opened.cluster;
    const trackPids = () => {
      for (const node of cluster.nodes) pids.add(node.pid);
    };
    trackPids();
    opened.store = await startLocalStore({ dataDir: options.dataDir });
    const store = opened.store;
    opened.slack = await startSlackReceiver({
      print: (text) => {
        options.print(`  slack> ${text.split('\n').join('\n  slack> ')}`);
      },
    });
    const slack = opened.slack;
    const config = demoConfig(cluster, zookeeper);
    const configFile = join(options.dataDir, '..', 'demo-config.json');
    await writeFile(
      configFile,
      JSON.stringify({ clusters: [{ ...config.clusters[0], routes: [] }] }, null, 2),
    );
    const notifiers = await buildNotifiers(config.channels, {
      dispatcher,
      secrets: { env: { [WEBHOOK_ENV]: slack.webhookUrl } },
    });
    const nameAt = (address: string) => {
      const node = cluster.nodes.find((candidate) => candidate.options.address === address);
      if (!node) throw new Error(`no demo node at ${address}`);
      return node.name;
    };
    const executor = new LocalExecutor({
      restart: async (target) => {
        await cluster.restart(nameAt(target.address));
        trackPids();
      },
      isRunning: async (target) => cluster.node(nameAt(target.address)).running,
    });
    opened.loop = startMonitorLoop({
      clusters: config.clusters,
      store: store.store,
      observer,
      notifiers,
      owner: 'demo',
      delivery: config.delivery,
      executorFor: () => executor,
      onEvents: (_cluster, events) => {
        const now = Date.now();
        for (const event of events) {
          committed.set(event.id, { at: now, type: event.type });
          options.print(`  event> ${event.type}: ${event.summary}`);
        }
      },
      onLog: (entry) => {
        if (entry.level === 'error') options.print(`  monitor error> ${entry.message}`);
      },
    });
    await opened.loop.ready;
    const slackIds = () => {
      for (const request of slack.requests) {
        for (const id of committed.keys()) {
          if (!slackAt.has(id) && request.raw.includes(id)) slackAt.set(id, Date.now());
        }
      }
    };
    const slackTimer = setInterval(slackIds, 20);
    slackTimer.unref();

    const playFailover = async (): Promise<FailoverResult> => {
      const master = cluster.node('master-a');
      const standby = cluster.node('master-b');
      const coordinator = cluster.node('coordinator-a');
      const marks = { standby: standby.mark(), coordinator: coordinator.mark() };
      const since = Date.now();
      const killedAt = Date.now();
      await master.kill();
      const eventOf = (type: EventType) => {
        for (const [id, seen] of committed)
          if (seen.type === type && seen.at >= killedAt) return { id, at: seen.at };
        return undefined;
      };
      const refresh = async () => {
        const { events } = await store.store.events({
          cluster: CLUSTER,
          since: new Date(since - 1000).toISOString(),
          limit: 1000,
        });
        return events;
      };
      for (const type of EXPECTED) await waitFor(type, 180_000, () => eventOf(type));
      const restarted = cluster.node('master-a');
      const standbyAgain = await restarted.waitFor('lock-held-elsewhere', { timeoutMs: 15_000 });
      // Every message reaches Slack before the timeline is drawn.
      await waitFor('the Slack messages', 15_000, () => {
        slackIds();
        return EXPECTED.every((type) => {
          const found = eventOf(type);
          return found && slackAt.has(found.id);
        })
          ? true
          : undefined;
      });
      const auditLog = await refresh();
      const lock = await standby.waitFor('lock-acquired', { from: marks.standby });
      const gone = await coordinator.waitFor('master-gone', { from: marks.coordinator });
      const registered = await standby.waitFor('registered', { from: marks.standby });
      const serving = await standby.waitFor('serving', { from: marks.standby });
      const milestones: Milestone[] = [
        { at: killedAt, what: 'SIGKILL master-a (the master)', source: 'dremio' },
        { at: lock.at, what: 'master-b takes the catalog lock (the kernel freed it)', source: 'dremio' },
        { at: gone.at, what: "master-a's ZooKeeper session expired: its znodes are gone", source: 'dremio' },
        {
          at: DremioNode.registeredAt(registered),
          what: 'master-b elected and registered as the master',
          source: 'dremio',
        },
        { at: serving.at, what: 'master-b answers 200 "OK": queries can run again', source: 'dremio' },
        {
          at: standbyAgain.at,
          what: 'the restarted master-a waits on the lock: an invisible standby',
          source: 'dremio',
        },
      ];
      for (const type of EXPECTED) {
        const found = eventOf(type);
        if (!found) continue;
        const event = auditLog.find((one) => one.id === found.id);
        milestones.push({
          at: found.at,
          what: `${type}: ${event?.summary ?? ''}`,
          source: 'audit log',
          eventId: found.id,
        });
        const delivered = slackAt.get(found.id);
        if (delivered)
          milestones.push({ at: delivered, what: `Slack got ${type}`, source: 'slack', eventId: found.id });
      }
      milestones.sort((a, b) => a.at - b.at);
      const loggedTypes = auditLog.map((event) => event.type).filter((type) => EXPECTED.includes(type));
      const matches =
        JSON.stringify(loggedTypes) === JSON.stringify(EXPECTED) &&
        milestones.every(
          (one) => one.eventId === undefined || auditLog.some((event) => event.id === one.eventId),
        );
      const { events: history } = await store.store.events({ cluster: CLUSTER, limit: 1000 });
      const reportHtml = renderReport(buildTimeline(history, { cluster: CLUSTER, until: Date.now() }), {
        generatedAt: Date.now(),
        since: null,
        until: Date.now(),
        title: 'dremio-ha-monitor demo',
      });
      return { killedAt, milestones, auditLog, matches, reportHtml };
    };

    return {
      zookeeper,
      startupMs: Date.now() - started,
      storeEndpoint: store.endpoint,
      configFile,
      nodes: () => cluster.nodes.map((node) => ({ name: node.name, role: node.options.role, pid: node.pid })),
      masterPid: () => cluster.master()?.pid,
      pids: () => [...pids],
      playFailover,
      stop: async () => {
        clearInterval(slackTimer);
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
