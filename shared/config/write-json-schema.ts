/**
 * Regenerates config.schema.json at the root of the repository from the zod schema, formatted as Biome
 * formats it: `node --import tsx shared/config/write-json-schema.ts`. A unit test fails when the
 * committed file is out of date.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { monitorConfigJsonSchema } from './json-schema.ts';

const file = fileURLToPath(new URL('../../config.schema.json', import.meta.url));
const biome = fileURLToPath(new URL('../../node_modules/@biomejs/biome/bin/biome', import.meta.url));

writeFileSync(file, `${JSON.stringify(monitorConfigJsonSchema(), null, 2)}\n`);
const formatted = spawnSync(process.execPath, [biome, 'format', '--write', file], { stdio: 'inherit' });
if (formatted.status !== 0) {
  console.error(`write-json-schema: biome format failed on ${file}`);
  process.exit(1);
}
console.log(`wrote ${file}`);
