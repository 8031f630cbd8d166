import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../ports.ts';
import { killOnExit } from '../processes.ts';
import {
  DREMIO_DEFAULTS,
  type DremioNodeOptions,
  type DremioRole,
  type NodeCommand,
  type NodeReport,
  type NodeState,
} from './options.ts';

const NODE_MAIN = new URL('./node-main.ts', import.meta.url).pathname;
const TSX = import.meta.resolve('tsx');

export interface NodeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running emulated Dremio node process. */
export class DremioNode {
  readonly reports: NodeReport[] = [];
  readonly exited: Promise<NodeExit>;
  #child: ChildProcess;
  #output: string[] = [];
  #listeners = new Set<() => void>();

  constructor(readonly options: DremioNodeOptions) {
    const child = spawn(process.execPath, ['--import', TSX, NODE_MAIN, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    killOnExit(child);
    this.#child = child;
    child.on('message', (report: NodeReport) => {
      this.reports.push(report);
      for (const listener of this.#listeners) listener();
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        if (!line.startsWith('{')) this.#output = [...this.#output.slice(-50), line];
      });
    }
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        resolve({ code, signal });
        for (const listener of this.#listeners) listener();
      }),
    );
  }

  get name(): string {
    return this.options.name;
  }

  get pid(): number {
    return this.#child.pid as number;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** `http://<address>:<webPort>` for coordinators and master candidates. */
  get webUrl(): string {
    return `http://${this.options.address}:${this.options.webPort}`;
  }

  /** Lines the process printed that are not reports (Dremio's messages, errors). */
  get output(): readonly string[] {
    return this.#output;
  }

  /** How many reports exist now: pass it to `waitFor` to wait for a report after this moment. */
  mark(): number {
    return this.reports.length;
  }

  /** When the node's first znode was created, from its `registered` report (before the report itself). */
  static registeredAt(report: NodeReport): number {
    return typeof report.firstRegisteredAt === 'number' ? report.firstRegisteredAt : report.at;
  }

  /** The first report in `state` at or after index `from`; waits for it up to `timeoutMs`. */
  waitFor(state: NodeState, { from = 0, timeoutMs = 30_000 } = {}): Promise<NodeReport> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.reports.slice(from).find((report) => report.state === state);
        if (found) {
          done();
          resolve(found);
        } else if (!this.running && this.#child.exitCode !== null) {
          done();
          reject(
            new Error(`${this.name} exited (${this.#child.exitCode}) before "${state}": ${this.#tail()}`),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: no "${state}" within ${timeoutMs} ms; last: ${this.#tail()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
      check();
    });
  }

  command(command: NodeCommand): void {
    this.#child.send(command);
  }

  /** SIGKILL: like a crashed JVM or a lost host. */
  async kill(): Promise<NodeExit> {
    if (this.running) this.#child.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM: Dremio's clean shutdown. */
  async terminate(): Promise<NodeExit> {
    if (this.running) this.#child.kill('SIGTERM');
    return this.exited;
  }

  #tail(): string {
    const states = this.reports.slice(-4).map((report) => report.state);
    return `${states.join(' > ') || 'no reports'} ${this.#output.slice(-3).join(' | ')}`.trim();
  }
}

export type NodeSpec = Partial<DremioNodeOptions> & Pick<DremioNodeOptions, 'name' | 'role' | 'zookeeper'>;

/** Starts one emulated node; a web port of 0 gets a free port (so several clusters share a machine). */
export async function startDremioNode(spec: NodeSpec): Promise<DremioNode> {
  const options: DremioNodeOptions = {
    ...DREMIO_DEFAULTS,
    address: '127.0.0.1',
    dbDir: '',
    ...spec,
  };
  // Free on the node's own address: each node has one of its own (127.0.0.11, ...), shared by every
  // emulated cluster on the machine, so a port free on 127.0.0.1 may be taken there.
  const webPort = options.webPort === 0 ? await freePort(options.address) : options.webPort;
  return new DremioNode({ ...options, webPort });
}

export interface ClusterSpec {
  readonly zookeeper: string;
  /** @default 2 */
  readonly masterCandidates?: number;
  /** @default 1 */
  readonly coordinators?: number;
  /** @default 2 */
  readonly executors?: number;
  /** Options every node shares (cluster id, root, timeouts, version ...). */
  readonly common?: Partial<DremioNodeOptions>;
  /** Options of single nodes by name (`master-b`: `{ webStartDelayMs: 5000 }`), over `common`. */
  readonly nodes?: Readonly<Record<string, Partial<DremioNodeOptions>>>;
  /** Wait until the first master serves and every other node is registered. @default true */
  readonly waitUntilReady?: boolean;
}

export interface EmulatedCluster {
  readonly dbDir: string;
  readonly nodes: readonly DremioNode[];
  node(name: string): DremioNode;
  /** The master candidate that serves as master now, found from its own reports. */
  master(): DremioNode | undefined;
  /** Starts a node again with the options it had (a new process: new start time, new ids). */
  restart(name: string): Promise<DremioNode>;
  /** SIGKILLs every node and removes the shared db directory. */
  stop(): Promise<void>;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Starts an emulated HA cluster. Nodes get distinct loopback addresses (127.0.0.11, .12 for the
 * master candidates, .21 for coordinators, .31 for executors) and free web ports. The master
 * candidates start one after the other, so the first one becomes master.
 */
export async function startDremioCluster(spec: ClusterSpec): Promise<EmulatedCluster> {
  const dbDir = await mkdtemp(join(tmpdir(), 'dremio-db-'));
  const nodes: DremioNode[] = [];
  const plan: Array<{ role: DremioRole; count: number; prefix: string; base: number }> = [
    { role: 'master-candidate', count: spec.masterCandidates ?? 2, prefix: 'master', base: 11 },
    { role: 'coordinator', count: spec.coordinators ?? 1, prefix: 'coordinator', base: 21 },
    { role: 'executor', count: spec.executors ?? 2, prefix: 'executor', base: 31 },
  ];
  const cluster: EmulatedCluster = {
    dbDir,
    nodes,
    node(name) {
      const found = nodes.find((node) => node.name === name);
      if (!found) throw new Error(`no emulated node named ${name}`);
      return found;
    },
    master() {
      return nodes.find(
        (node) =>
          node.running &&
          node.options.role === 'master-candidate' &&
          node.reports.some((r) => r.state === 'serving'),
      );
    },
    async restart(name) {
      const old = cluster.node(name);
      await old.kill();
      const fresh = new DremioNode(old.options);
      nodes.splice(nodes.indexOf(old), 1, fresh);
      return fresh;
    },
    async stop() {
      await Promise.all(nodes.map((node) => node.kill()));
      await rm(dbDir, { recursive: true, force: true });
    },
  };
  try {
    for (const { role, count, prefix, base } of plan) {
      for (let index = 0; index < count; index += 1) {
        const name = `${prefix}-${LETTERS[index]}`;
        const node = await startDremioNode({
          webPort: 0,
          ...spec.common,
          ...spec.nodes?.[name],
          name,
          role,
          zookeeper: spec.zookeeper,
          address: `127.0.0.${base + index}`,
          dbDir,
        });
        nodes.push(node);
        // The first candidate must hold the lock before the next one starts, or either may win.
        if (role === 'master-candidate' && index === 0) await node.waitFor('lock-acquired');
      }
    }
    if (spec.waitUntilReady ?? true) {
      await Promise.all(
        nodes.map((node, index) => {
          if (node.options.role === 'executor') return node.waitFor('registered');
          if (node.options.role === 'coordinator') return node.waitFor('serving');
          return index === 0 ? node.waitFor('serving') : node.waitFor('lock-held-elsewhere');
        }),
      );
    }
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
