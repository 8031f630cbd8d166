#!/usr/bin/env node
// An installed package runs its compiled JavaScript (dist/). A clone of the repository, which has the
// TypeScript sources next to this file, runs them through tsx, so a clone never runs a stale build.
import { existsSync } from 'node:fs';

const sources = new URL('../cli/main.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import(sources.href);
  process.exitCode = await main(process.argv.slice(2));
} else {
  await import('../dist/cli-bundle/run.js');
}
