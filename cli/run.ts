import { main } from './main.ts';

// The process entry of the built CLI (dist/cli/run.js); bin/dremio-ha-monitor.js picks it or the sources.
process.exitCode = await main(process.argv.slice(2));
