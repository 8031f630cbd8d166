import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendFourLetterWord } from '../../shared/observe/four-letter-word.ts';
import { freePorts } from './ports.ts';
import { killOnExit } from './processes.ts';

/** The jars of Debian's `zookeeper` package; the manifest of zookeeper.jar pulls in the rest. */
const JARS = ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-nop.jar'];
export const INSTALL_HINT =
  'ZooKeeper 3.8 is not installed: run `apt-get update && apt-get install -y zookeeper` (needs Java 17: `apt-get install -y openjdk-17-jre-headless`)';

export interface ZooKeeperOptions {
  /** 1 for a standalone server, 3 for an ensemble. @default 1 */
  readonly servers?: 1 | 3;
  /** @default 200 (ms): short, so that tests see sessions expire quickly */
  readonly tickTime?: number;
  /** @default 2 x tickTime, as ZooKeeper */
  readonly minSessionTimeout?: number;
  /** @default 20 x tickTime, as ZooKeeper */
  readonly maxSessionTimeout?: number;
  /** true whitelists every four-letter word; false leaves ZooKeeper's default (only `srvr`). @default true */
  readonly fourLetterWords?: boolean;
  /** Connections one client IP may hold; 0 = unlimited. @default 60, as ZooKeeper */
  readonly maxClientCnxns?: number;
  /** How long start and restart wait for `srvr` to report a mode. @default 20000 */
  readonly readyTimeoutMs?: number;
}

export interface ZooKeeperServer {
  readonly id: number;
  readonly host: string;
  readonly clientPort: number;
  /** The JVM's PID while it runs. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGTERM and wait for the JVM to exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for the JVM to exit: sessions it served are not closed. */
  kill(): Promise<void>;
  /** Start the same server again (same ports and data) and, unless told not to, wait until it serves. */
  restart(options?: { waitUntilServing?: boolean }): Promise<void>;
  /** Poll `srvr` until it reports a mode (leader, follower or standalone). */
  waitUntilServing(timeoutMs?: number): Promise<string>;
}

export interface ZooKeeperCluster {
  /** `127.0.0.1:p1,127.0.0.1:p2,...` */
  readonly connectString: string;
  readonly servers: readonly ZooKeeperServer[];
  readonly dataDir: string;
  /** Stops every server and removes the data directory. */
  stop(): Promise<void>;
}

export function zookeeperInstalled(): boolean {
  if (!JARS.every((jar) => existsSync(jar))) return false;
  return spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
}

/** Starts a real Apache ZooKeeper (standalone or a 3-server ensemble) on free loopback ports. */
export async function startZooKeeper(options: ZooKeeperOptions = {}): Promise<ZooKeeperCluster> {
  if (!zookeeperInstalled()) throw new Error(INSTALL_HINT);
  const count = options.servers ?? 1;
  const tickTime = options.tickTime ?? 200;
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  const dataDir = await mkdtemp(join(tmpdir(), 'zk-'));
  const ports = await freePorts(count * 3);
  const host = '127.0.0.1';
  const members = Array.from({ length: count }, (_, index) => ({
    id: index + 1,
    clientPort: ports[index * 3] as number,
    peerPort: ports[index * 3 + 1] as number,
    electionPort: ports[index * 3 + 2] as number,
  }));

  const servers: ManagedServer[] = [];
  for (const member of members) {
    const dir = join(dataDir, `server-${member.id}`);
    await mkdir(dir, { recursive: true });
    const lines = [
      `tickTime=${tickTime}`,
      `dataDir=${dir}`,
      `clientPort=${member.clientPort}`,
      `clientPortAddress=${host}`,
      'initLimit=20',
      'syncLimit=10',
      'admin.enableServer=false',
      `minSessionTimeout=${options.minSessionTimeout ?? tickTime * 2}`,
      `maxSessionTimeout=${options.maxSessionTimeout ?? tickTime * 20}`,
      `maxClientCnxns=${options.maxClientCnxns ?? 60}`,
    ];
    if (options.fourLetterWords ?? true) lines.push('4lw.commands.whitelist=*');
    if (count > 1) {
      await writeFile(join(dir, 'myid'), `${member.id}\n`);
      for (const peer of members) {
        lines.push(`server.${peer.id}=${host}:${peer.peerPort}:${peer.electionPort}`);
      }
    }
    const configFile = join(dir, 'zoo.cfg');
    await writeFile(configFile, `${lines.join('\n')}\n`);
    const mainClass =
      count > 1
        ? 'org.apache.zookeeper.server.quorum.QuorumPeerMain'
        : 'org.apache.zookeeper.server.ZooKeeperServerMain';
    servers.push(
      new ManagedServer(member.id, host, member.clientPort, mainClass, configFile, readyTimeoutMs),
    );
  }
  const cluster: ZooKeeperCluster = {
    connectString: servers.map((server) => `${host}:${server.clientPort}`).join(','),
    servers,
    dataDir,
    async stop() {
      await Promise.all(servers.map((server) => server.kill()));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  try {
    for (const server of servers) server.start();
    await Promise.all(servers.map((server) => server.waitUntilServing()));
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

class ManagedServer implements ZooKeeperServer {
  #process: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #stderr = '';

  constructor(
    readonly id: number,
    readonly host: string,
    readonly clientPort: number,
    private readonly mainClass: string,
    private readonly configFile: string,
    private readonly readyTimeoutMs: number,
  ) {}

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  get running(): boolean {
    return (
      this.#process !== undefined && this.#process.exitCode === null && this.#process.signalCode === null
    );
  }

  start(): void {
    if (this.running) throw new Error(`ZooKeeper server ${this.id} is already running`);
    this.#stderr = '';
    const child = spawn(
      'java',
      [
        '-Xmx128m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Dzookeeper.jmx.log4j.disable=true',
        '-cp',
        JARS.join(':'),
        this.mainClass,
        this.configFile,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    killOnExit(child);
    this.#process = child;
  }

  async waitUntilServing(timeoutMs = this.readyTimeoutMs): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(
          `ZooKeeper server ${this.id} exited while starting: ${this.#stderr.trim() || 'no output'}`,
        );
      }
      const answer = await sendFourLetterWord(this.host, this.clientPort, 'srvr', { timeoutMs: 1000 });
      if (answer.kind === 'answered') {
        const mode = /^Mode: (\S+)/m.exec(answer.text)?.[1];
        if (mode) return mode;
        last = answer.text.trim();
      } else {
        last = answer.reason;
      }
      await sleep(50);
    }
    throw new Error(
      `ZooKeeper server ${this.id} on port ${this.clientPort} not serving after ${timeoutMs} ms: ${last}`,
    );
  }

  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
  }

  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  async restart({ waitUntilServing = true } = {}): Promise<void> {
    await this.kill();
    this.start();
    if (waitUntilServing) await this.waitUntilServing();
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    this.#process?.kill(signal);
    await this.#exited;
  }
}
