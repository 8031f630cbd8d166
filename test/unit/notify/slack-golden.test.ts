import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EVENT_TYPES } from '../../../shared/events/types.ts';
import { renderSlackMessage, renderSlackResolvedParent } from '../../../shared/notify/slack/index.ts';
import { sampleContext, sampleEvent } from '../../support/notify-events.ts';

/**
 * The Slack message of every event type, as the webhook posts it (each file can be pasted into
 * Slack's Block Kit Builder, or posted with curl). `UPDATE_GOLDEN=1` rewrites them; review the diff.
 */

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DIR = join(ROOT, 'test/golden/slack');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const RESOLVED_PARENT = 'chat.update-resolved-parent';

function goldens(): Map<string, unknown> {
  const files = new Map<string, unknown>();
  for (const type of EVENT_TYPES) {
    const event = sampleEvent(type);
    files.set(type, renderSlackMessage(event, sampleContext(event)));
  }
  const resolve = sampleEvent('FAILOVER_COMPLETED');
  // The first message of the incident was posted at 23:00:30, when MASTER_UNRESPONSIVE opened it.
  const openedTs = `${Date.parse('2026-11-21T23:00:30Z') / 1000}.000100`;
  files.set(RESOLVED_PARENT, renderSlackResolvedParent(resolve, openedTs));
  return files;
}

/** JSON as the repository's formatter leaves it, so `npm run lint` passes after an update. */
function formatted(name: string, value: unknown): string {
  const json = `${JSON.stringify(value, null, 2)}\n`;
  const biome = spawnSync(
    join(ROOT, 'node_modules/.bin/biome'),
    ['format', `--stdin-file-path=test/golden/slack/${name}.json`],
    { cwd: ROOT, input: json, encoding: 'utf8' },
  );
  return biome.status === 0 && biome.stdout.trim() !== '' ? biome.stdout : json;
}

describe('Slack golden messages', () => {
  const expected = goldens();

  if (UPDATE) {
    it('rewrites test/golden/slack/', () => {
      mkdirSync(DIR, { recursive: true });
      for (const [name, value] of expected) writeFileSync(join(DIR, `${name}.json`), formatted(name, value));
    });
    return;
  }

  for (const [name, value] of expected) {
    it(`renders ${name} as test/golden/slack/${name}.json`, () => {
      let golden: unknown;
      try {
        golden = JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8'));
      } catch (error) {
        assert.fail(
          `test/golden/slack/${name}.json is missing or unreadable (UPDATE_GOLDEN=1 writes it): ${error}`,
        );
      }
      assert.deepEqual(
        value,
        golden,
        `differs from test/golden/slack/${name}.json (UPDATE_GOLDEN=1 rewrites it)`,
      );
    });
  }

  it('has no golden file for an event type that is gone', () => {
    const files = readdirSync(DIR).filter((file) => file.endsWith('.json'));
    assert.deepEqual(files.sort(), [...expected.keys()].map((name) => `${name}.json`).sort());
  });
});
