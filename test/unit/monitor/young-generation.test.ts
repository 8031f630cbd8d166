import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { keepYoungGenerationSmall } from '../../../shared/monitor/young-generation.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MODULE = join(ROOT, 'shared', 'monitor', 'young-generation.ts');

/**
 * The young generation's size in a fresh process after a steady allocation like a watch's: many
 * small objects, each kept for a moment (one round of probes).
 */
function youngGenerationMb(apply: boolean, execArgv: string[] = []): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { keepYoungGenerationSmall } from ${JSON.stringify(MODULE)};
    if (${apply}) keepYoungGenerationSmall();
    let kept = [];
    for (let round = 0; round < 400; round += 1) {
      kept = Array.from({ length: 5000 }, (_, i) => ({ round, i, text: 'probe ' + i }));
    }
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(space.space_size / 1048576, kept.length);
  `;
  const result = spawnSync(
    process.execPath,
    [...execArgv, '--import', 'tsx', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(result.status, 0, result.stderr);
  return Number(result.stdout.split(' ')[0]);
}

describe('keepYoungGenerationSmall: a monitor loop holds a small young generation', () => {
  it('takes effect at run time on this Node.js (the young generation stays at its starting size)', () => {
    const grown = youngGenerationMb(false);
    const kept = youngGenerationMb(true);
    // Loading TypeScript through tsx grows it to a few MB before the flag is set; the CLI's bundle does not.
    assert.ok(grown >= 16, `without it, V8 grows the young generation (${grown} MB)`);
    assert.ok(kept <= 4, `with it, the young generation stays small (${kept} MB)`);
  });

  it("leaves an operator's own young-generation flags alone", () => {
    assert.equal(keepYoungGenerationSmall(['--max-semi-space-size=8']), false);
    assert.equal(keepYoungGenerationSmall(['--max_semi_space_size=8']), false);
    assert.equal(keepYoungGenerationSmall(['--enable-source-maps --semi-space-growth-factor=3']), false);
    assert.ok(youngGenerationMb(true, ['--max-semi-space-size=16']) >= 16);
  });
});
