#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so the CLI and the tests run the same code.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
