import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { killOnExit } from './processes.ts';

/**
 * The real Prometheus Alertmanager from Debian's `prometheus-alertmanager`, on a free loopback port,
 * alone (gossip off), with a throwaway storage folder. Its route groups by incident and, when a
 * `webhookUrl` is given, notifies it at once of firing and resolved alerts, as a team's receiver.
 */

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

/** Where the binary is missing outside CI: a reason to skip; in CI (which installs it) the tests run and fail. */
export const alertmanagerSkip: string | false =
  !existsSync(ALERTMANAGER_BIN) && !ci
    ? `${ALERTMANAGER_BIN} is absent (apt-get install -y prometheus-alertmanager) and CI is not set: skipped`
    : false;

/** An alert as `GET /api/v2/alerts` returns it (gettableAlert), the fields the tests read. */
export interface GettableAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly updatedAt: string;
  readonly fingerprint: string;
  readonly generatorURL?: string;
  readonly status: { readonly state: string };
}

export interface Alertmanager {
  /** `http://127.0.0.1:<port>`: the channel's `url`. */
  readonly url: string;
  /** The alerts it holds (active, silenced, inhibited), optionally of one matcher (`incident="..."`). */
  alerts(filter?: string): Promise<GettableAlert[]>;
  close(): Promise<void>;
}

export async function startAlertmanager(
  options: { readonly webhookUrl?: string } = {},
): Promise<Alertmanager> {
  const folder = mkdtempSync(join(tmpdir(), 'alertmanager-'));
  const port = await freePort();
  const receiver = options.webhookUrl
    ? `    webhook_configs:\n      - url: ${JSON.stringify(options.webhookUrl)}\n        send_resolved: true\n`
    : '';
  writeFileSync(
    join(folder, 'alertmanager.yml'),
    [
      'route:',
      '  receiver: team',
      '  group_by: [incident]',
      '  group_wait: 1s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: team',
      receiver,
    ].join('\n'),
  );
  const child = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${join(folder, 'alertmanager.yml')}`,
      `--storage.path=${join(folder, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // No gossip: one Alertmanager, and no port of its own to find.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  killOnExit(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Alertmanager exited while starting: ${stderr.trim()}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Alertmanager not ready within 30 s: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async alerts(filter) {
      const query = filter === undefined ? '' : `?filter=${encodeURIComponent(filter)}`;
      const response = await fetch(`${url}/api/v2/alerts${query}`);
      if (!response.ok)
        throw new Error(`GET /api/v2/alerts answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as GettableAlert[];
    },
    async close() {
      child.kill('SIGTERM');
      await exited;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
