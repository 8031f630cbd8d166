import { existsSync, readFileSync } from 'node:fs';
import { EXIT } from './exit-codes.ts';

const USAGE = `usage: dremio-ha-monitor <command> [options]

commands:
  probe       one snapshot of each cluster: master, coordinators, executors, ZooKeeper
              [--config FILE] [--cluster NAME] [--json]; exit 0 healthy, 1 degraded, 2 critical, 3 usage
  watch       continuous monitoring: judge every change, record, print and deliver each event, and
              carry out the restarts of clusters with remediation enabled
              [--config FILE] [--cluster NAME] [--json] [--interval-ms MS] [--clock-ms MS] [store options]
              [--metrics-listen HOST:PORT] (Prometheus /metrics and /healthz)
              [--slack-listen HOST:PORT] (Slack's Acknowledge clicks at /slack/interactions)
  events      the audit log [--cluster NAME] [--since ISO|30m|6h|7d] [--type T[,T]] [--limit N] [--json]
  report      one HTML page of the audit log, with the master timeline [--cluster NAME] [--since ...] --out FILE.html
  status      per cluster: the master and since when, open incidents, maintenance, restarts [--json]
  ack         INCIDENT_KEY --by NAME --reason TEXT: acknowledge an open incident (stops reminders)
  maintenance add --cluster NAME --end ISO|+2h [--start ISO] --owner NAME --reason TEXT
              | list [--cluster NAME] | end --cluster NAME WINDOW_ID
  store       serve [--data-dir DIR] [--port N]: share the embedded store with other processes
  help        this text

store options: --data-dir DIR (embedded store, default ./.dremio-ha-monitor), or --store-endpoint URL
(a store served by \`store serve\`, or DynamoDB), --table NAME (default dremio-ha-monitor)
  version     print the version

Run \`npm run demo\` for the emulated cluster and \`npm test\` for the tests.`;

/** The version in the package's package.json: one level up from the sources, two from the built CLI. */
function packageVersion(): string {
  for (const path of ['../package.json', '../../package.json']) {
    const url = new URL(path, import.meta.url);
    if (!existsSync(url)) continue;
    const { name, version } = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
    if (name === 'dremio-ha-monitor' && version) return version;
  }
  return 'unknown';
}

/**
 * Entry of the `dremio-ha-monitor` CLI; returns the exit code. Output goes to stdout and stderr.
 * Each command loads its own modules when it runs, so `--version` loads nothing and `probe` no store.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'probe':
      return (await import('./probe.ts')).probeCommand(rest);
    case 'watch':
      return (await import('./watch.ts')).watchCommand(rest);
    case 'events':
      return (await import('./events.ts')).eventsCommand(rest);
    case 'report':
      return (await import('./report.ts')).reportCommand(rest);
    case 'status':
      return (await import('./status.ts')).statusCommand(rest);
    case 'ack':
      return (await import('./operate.ts')).ackCommand(rest);
    case 'maintenance':
      return (await import('./operate.ts')).maintenanceCommand(rest);
    case 'store':
      return (await import('./store-serve.ts')).storeCommand(rest);
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return EXIT.healthy;
    case 'version':
    case '--version':
      console.log(packageVersion());
      return EXIT.healthy;
    default:
      console.error(`dremio-ha-monitor: unknown command "${command}"\n\n${USAGE}`);
      return EXIT.usage;
  }
}
