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

describe('numeric flags are checked like the configuration file', () => {
  const cases: Array<{ args: string[]; message: RegExp }> = [
    {
      args: ['watch', '--interval-ms', 'abc'],
      message: /--interval-ms "abc": expected a whole number from 100/,
    },
    { args: ['watch', '--clock-ms', '0'], message: /--clock-ms "0": expected a whole number from 100/ },
    { args: ['watch', '--interval-ms', '1e3'], message: /--interval-ms "1e3"/ },
    { args: ['events', '--limit', '1.5'], message: /--limit "1.5": expected a whole number from 1/ },
    {
      args: ['store', 'serve', '--port', '70000'],
      message: /--port "70000": expected a whole number from 0 to 65535/,
    },
  ];
  for (const { args, message } of cases) {
    it(`${args.join(' ')}: exit 3, naming the flag and the value`, () => {
      const result = run(...args);
      assert.equal(result.status, 3, result.stderr);
      assert.match(result.stderr, message);
    });
  }
});
