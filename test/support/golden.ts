import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * Golden files: one JSON file per rendered case under `test/golden/<folder>/`, compared as data.
 * `UPDATE_GOLDEN=1` rewrites them (formatted as the repository's formatter leaves JSON, so
 * `npm run lint` passes after an update); review the diff. Call it inside a `describe`.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function goldenFiles(folder: string, expected: ReadonlyMap<string, unknown>): void {
  const dir = join(ROOT, 'test/golden', folder);
  if (process.env.UPDATE_GOLDEN === '1') {
    it(`rewrites test/golden/${folder}/`, () => {
      mkdirSync(dir, { recursive: true });
      for (const [name, value] of expected) {
        writeFileSync(join(dir, `${name}.json`), formatted(`test/golden/${folder}/${name}.json`, value));
      }
    });
    return;
  }
  for (const [name, value] of expected) {
    const file = `test/golden/${folder}/${name}.json`;
    it(`renders ${name} as ${file}`, () => {
      let golden: unknown;
      try {
        golden = JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
      } catch (error) {
        assert.fail(`${file} is missing or unreadable (UPDATE_GOLDEN=1 writes it): ${error}`);
      }
      // Through JSON, as it goes on the wire: undefined fields are absent.
      assert.deepEqual(
        JSON.parse(JSON.stringify(value)),
        golden,
        `differs from ${file} (UPDATE_GOLDEN=1 rewrites it)`,
      );
    });
  }
  it(`has no file in test/golden/${folder}/ for a case that is gone`, () => {
    const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
    assert.deepEqual(files.sort(), [...expected.keys()].map((name) => `${name}.json`).sort());
  });
}

function formatted(path: string, value: unknown): string {
  const json = `${JSON.stringify(value, null, 2)}\n`;
  const biome = spawnSync(join(ROOT, 'node_modules/.bin/biome'), ['format', `--stdin-file-path=${path}`], {
    cwd: ROOT,
    input: json,
    encoding: 'utf8',
  });
  return biome.status === 0 && biome.stdout.trim() !== '' ? biome.stdout : json;
}

/** The parsed golden file `test/golden/<folder>/<name>.json`, for a test comparing what a receiver got. */
export function readGolden(folder: string, name: string): unknown {
  return JSON.parse(readFileSync(join(ROOT, 'test/golden', folder, `${name}.json`), 'utf8'));
}
