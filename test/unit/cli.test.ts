import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const BIN = new URL('../../bin/dremio-ha-monitor.js', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function run(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 20_000 });
}

describe('dremio-ha-monitor CLI entry', () => {
  it('prints the package version through the bin script', () => {
    const result = run('version');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), version);
  });

  it('exits 3 on an unknown command and names it', () => {
    const result = run('frobnicate');
    assert.equal(result.status, 3);
    assert.match(result.stderr, /unknown command "frobnicate"/);
    assert.match(result.stderr, /usage: dremio-ha-monitor/);
  });
});
