/**
 * Regenerates the JSON Schemas the repository publishes, formatted as Biome formats them:
 * config.schema.json (the configuration) and docs/webhook-event.schema.json (what a webhook channel
 * sends). `node --import tsx scripts/write-json-schemas.ts`; unit tests fail when a committed file is
 * out of date.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { monitorConfigJsonSchema } from '../shared/config/json-schema.ts';
import { webhookJsonSchema } from '../test/support/webhook-json-schema.ts';

const biome = fileURLToPath(new URL('../node_modules/@biomejs/biome/bin/biome', import.meta.url));
const schemas: ReadonlyArray<[string, object]> = [
  ['../config.schema.json', monitorConfigJsonSchema()],
  ['../docs/webhook-event.schema.json', webhookJsonSchema()],
];

for (const [path, schema] of schemas) {
  const file = fileURLToPath(new URL(path, import.meta.url));
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  const formatted = spawnSync(process.execPath, [biome, 'format', '--write', file], { stdio: 'inherit' });
  if (formatted.status !== 0) {
    console.error(`write-json-schemas: biome format failed on ${file}`);
    process.exit(1);
  }
  console.log(`wrote ${file}`);
}
