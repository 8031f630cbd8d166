/** `npm run bench [name...]`: runs the benchmarks (all by default) and prints their figures. */
const all = [
  'startup',
  'probe',
  'watch-many',
  'detect',
  'detection',
  'notify',
  'emulated-failover',
  'functions',
  'function-memory',
  'poll',
];
// many-clusters.ts is a fixture process of probe.ts, watch-many.ts and function-memory.ts, not a benchmark.
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;
for (const name of chosen) {
  if (!all.includes(name)) throw new Error(`no benchmark "${name}"; choose from ${all.join(', ')}`);
  console.log(`\n## ${name}`);
  await import(`./${name}.ts`);
}
