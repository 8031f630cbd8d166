import { readFileSync } from 'node:fs';

import { EXIT } from './exit-codes.ts';
import { probeCommand } from './probe.ts';

const USAGE = `usage: dremio-ha-monitor <command> [options]

commands:
  probe       one snapshot of each cluster: master, coordinators, executors, ZooKeeper
              [--config FILE] [--cluster NAME] [--json]; exit 0 healthy, 1 degraded, 2 critical, 3 usage
  help        this text
  version     print the version

Run \`npm run demo\` for the emulated cluster and \`npm test\` for the tests.`;

/** Entry of the `dremio-ha-monitor` CLI; returns the exit code. Output goes to stdout and stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'probe':
      return probeCommand(rest);
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
