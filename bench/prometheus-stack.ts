/**
 * The generic stack a Dremio team would otherwise run to hear that its master died, started on
 * loopback from Debian's packages: blackbox_exporter probing every coordinator's server_status,
 * Prometheus scraping it and evaluating one alert rule, Alertmanager sending the alert to a local
 * webhook. Tuned for speed (5 s scrapes and evaluations, `for: 10s`, `group_wait: 1s`), so the
 * comparison is with the best a user would configure, not with the defaults (1 m, 30 s).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../test/support/ports.ts';
import { killOnExit } from '../test/support/processes.ts';

export interface StackTarget {
  readonly node: string;
  readonly role: 'master-candidate' | 'coordinator';
  readonly webUrl: string;
}

export interface ReceivedAlert {
  readonly at: number;
  readonly alertname: string;
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
}

export interface PrometheusStack {
  /** Every alert notification the webhook received, in order. */
  readonly received: readonly ReceivedAlert[];
  /** The first firing alert named `alertname` received at or after `sinceMs` with `labels`. */
  waitForFiring(
    alertname: string,
    options: { sinceMs: number; labels?: Record<string, string>; timeoutMs: number },
  ): Promise<ReceivedAlert>;
  /** Resolves once Prometheus has scraped every target through the exporter. */
  ready(timeoutMs: number): Promise<void>;
  /** The tuning, to print beside the figures. */
  readonly profile: string;
  stop(): Promise<void>;
}

const BINARIES = {
  prometheus: '/usr/bin/prometheus',
  alertmanager: '/usr/bin/prometheus-alertmanager',
  blackbox: '/usr/bin/prometheus-blackbox-exporter',
} as const;

const PROFILE = 'scrape and rule interval 5 s, for: 10s, group_wait 1s';
const INSTALL = 'apt-get install -y prometheus prometheus-alertmanager prometheus-blackbox-exporter';

/** Why the stack cannot start here (a missing binary), or null. */
export function prometheusStackMissing(): string | null {
  const missing = Object.values(BINARIES).filter((binary) => !existsSync(binary));
  return missing.length === 0 ? null : `${missing.join(', ')} not installed (${INSTALL})`;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntilOk(url: string, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready at ${url} within ${timeoutMs} ms`);
    await wait(100);
  }
}

function start(binary: string, args: readonly string[], output: string[]): ChildProcess {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => output.push(...chunk.toString().split('\n').slice(-5)));
  }
  return child;
}

function prometheusConfig(
  targets: readonly StackTarget[],
  ports: { blackbox: number; alertmanager: number },
) {
  const staticConfigs = targets
    .map(
      (target) => `      - targets: ['${new URL('/apiv2/server_status', target.webUrl).href}']
        labels: { node: '${target.node}', role: '${target.role}' }`,
    )
    .join('\n');
  return `global:
  scrape_interval: 5s
  scrape_timeout: 4s
  evaluation_interval: 5s
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs: [{ targets: ['127.0.0.1:${ports.alertmanager}'] }]
scrape_configs:
  - job_name: dremio
    metrics_path: /probe
    params: { module: [dremio_server_status] }
    static_configs:
${staticConfigs}
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:${ports.blackbox}
`;
}

/** A master candidate that answered 200 in the last 2 minutes and no longer does: the master died. */
const RULES = `groups:
  - name: dremio
    interval: 5s
    rules:
      - alert: DremioMasterCandidateStoppedAnswering
        expr: probe_success{role="master-candidate"} == 0 and max_over_time(probe_success{role="master-candidate"}[2m]) == 1
        for: 10s
`;

const BLACKBOX = `modules:
  dremio_server_status:
    prober: http
    timeout: 3s
    http:
      method: GET
      valid_status_codes: [200]
      preferred_ip_protocol: ip4
`;

function alertmanagerConfig(hookPort: number) {
  return `route:
  receiver: hook
  group_by: [alertname, node]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:${hookPort}/
        send_resolved: true
`;
}

/** A webhook receiver that keeps every alert with the time it arrived. */
async function startWebhook(received: ReceivedAlert[]): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      const at = Date.now();
      try {
        const payload = JSON.parse(body) as {
          alerts?: Array<{ status?: string; labels?: Record<string, string> }>;
        };
        for (const alert of payload.alerts ?? []) {
          const labels = alert.labels ?? {};
          received.push({
            at,
            alertname: labels.alertname ?? '',
            status: alert.status === 'resolved' ? 'resolved' : 'firing',
            labels,
          });
        }
      } catch {
        // not Alertmanager's JSON: ignored
      }
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('webhook has no port');
  return { server, port: address.port };
}

/** Starts the three programs and the webhook on free loopback ports, each with its own files. */
export async function startPrometheusStack(options: {
  readonly targets: readonly StackTarget[];
}): Promise<PrometheusStack> {
  const missing = prometheusStackMissing();
  if (missing !== null) throw new Error(missing);
  const dir = await mkdtemp(join(tmpdir(), 'prometheus-stack-'));
  const received: ReceivedAlert[] = [];
  const output: string[] = [];
  const children: ChildProcess[] = [];
  const webhook = await startWebhook(received);
  const [prometheusPort = 0, alertmanagerPort = 0, blackboxPort = 0] = await freePorts(3);
  const ports = { blackbox: blackboxPort, alertmanager: alertmanagerPort };
  const stop = async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(
      children.map((child) =>
        child.exitCode === null && child.signalCode === null
          ? new Promise((resolve) => child.once('exit', resolve))
          : undefined,
      ),
    );
    await new Promise((resolve) => webhook.server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await writeFile(join(dir, 'prometheus.yml'), prometheusConfig(options.targets, ports));
    await writeFile(join(dir, 'rules.yml'), RULES);
    await writeFile(join(dir, 'blackbox.yml'), BLACKBOX);
    await writeFile(join(dir, 'alertmanager.yml'), alertmanagerConfig(webhook.port));
    // The configuration and the rule are checked by Prometheus's own tool before anything starts.
    const checked = spawnSync('/usr/bin/promtool', ['check', 'config', join(dir, 'prometheus.yml')], {
      encoding: 'utf8',
    });
    if (existsSync('/usr/bin/promtool') && checked.status !== 0) {
      throw new Error(`promtool check config: ${checked.stdout} ${checked.stderr}`);
    }
    children.push(
      start(
        BINARIES.blackbox,
        [`--config.file=${join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${blackboxPort}`],
        output,
      ),
      start(
        BINARIES.alertmanager,
        [
          `--config.file=${join(dir, 'alertmanager.yml')}`,
          `--storage.path=${join(dir, 'alertmanager')}`,
          `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
          '--cluster.listen-address=',
        ],
        output,
      ),
      start(
        BINARIES.prometheus,
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'prometheus')}`,
          `--web.listen-address=127.0.0.1:${prometheusPort}`,
        ],
        output,
      ),
    );
    await waitUntilOk(`http://127.0.0.1:${blackboxPort}/metrics`, 'blackbox_exporter', 20_000);
    await waitUntilOk(`http://127.0.0.1:${alertmanagerPort}/-/ready`, 'Alertmanager', 20_000);
    await waitUntilOk(`http://127.0.0.1:${prometheusPort}/-/ready`, 'Prometheus', 30_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}; last output: ${output.slice(-5).join(' | ')}`);
  }
  return {
    received,
    profile: PROFILE,
    async waitForFiring(alertname, { sinceMs, labels = {}, timeoutMs }) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(
          (alert) =>
            alert.at >= sinceMs &&
            alert.status === 'firing' &&
            alert.alertname === alertname &&
            Object.entries(labels).every(([key, value]) => alert.labels[key] === value),
        );
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no firing ${alertname} within ${timeoutMs} ms`);
        await wait(50);
      }
    },
    async ready(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      const query = encodeURIComponent('count(up{job="dremio"} == 1)');
      for (;;) {
        try {
          const response = await fetch(`http://127.0.0.1:${prometheusPort}/api/v1/query?query=${query}`);
          const body = (await response.json()) as { data?: { result?: Array<{ value?: [number, string] }> } };
          if (Number(body.data?.result?.[0]?.value?.[1]) === options.targets.length) return;
        } catch {
          // not answering yet
        }
        if (Date.now() > deadline)
          throw new Error(`Prometheus did not scrape every target within ${timeoutMs} ms`);
        await wait(250);
      }
    },
    stop,
  };
}
