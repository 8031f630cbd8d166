import { readFileSync } from 'node:fs';

/** Exit codes of every command: 0 healthy, 1 degraded, 2 critical, 3 usage or configuration error. */
export const EXIT = { healthy: 0, degraded: 1, critical: 2, usage: 3 } as const;

const USAGE = `usage: dremio-ha-monitor <command> [options]

commands:
  help        this text
  version     print the version

Run \`npm run demo\` for the emulated cluster and \`npm test\` for the tests.`;

/** Entry of the `dremio-ha-monitor` CLI; returns the exit code. Output goes to stdout and stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command = 'help'] = argv;
  switch (command) {
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
