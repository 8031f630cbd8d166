import { readFileSync } from 'node:fs';
import { eventsCommand } from './events.ts';
import { EXIT } from './exit-codes.ts';
import { ackCommand, maintenanceCommand } from './operate.ts';
import { probeCommand } from './probe.ts';
import { reportCommand } from './report.ts';
import { statusCommand } from './status.ts';
import { storeCommand } from './store-serve.ts';
import { watchCommand } from './watch.ts';

const USAGE = `usage: dremio-ha-monitor <command> [options]

commands:
  probe       one snapshot of each cluster: master, coordinators, executors, ZooKeeper
              [--config FILE] [--cluster NAME] [--json]; exit 0 healthy, 1 degraded, 2 critical, 3 usage
  watch       continuous monitoring: judge every change, record, print and deliver each event, and
              carry out the restarts of clusters with remediation enabled
              [--config FILE] [--cluster NAME] [--json] [--interval-ms MS] [--clock-ms MS] [store options]
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

/** Entry of the `dremio-ha-monitor` CLI; returns the exit code. Output goes to stdout and stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'probe':
      return probeCommand(rest);
    case 'watch':
      return watchCommand(rest);
    case 'events':
      return eventsCommand(rest);
    case 'report':
      return reportCommand(rest);
    case 'status':
      return statusCommand(rest);
    case 'ack':
      return ackCommand(rest);
    case 'maintenance':
      return maintenanceCommand(rest);
    case 'store':
      return storeCommand(rest);
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return EXIT.healthy;
    case 'version':
    case '--version': {
      const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
        version: string;
      };
      console.log(version);
      return EXIT.healthy;
    }
    default:
      console.error(`dremio-ha-monitor: unknown command "${command}"\n\n${USAGE}`);
      return EXIT.usage;
  }
}
