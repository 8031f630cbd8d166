import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { watchSettings } from '../../cli/watch.ts';
import { BIN } from '../support/cli.ts';

const UNIT = new URL('../../examples/systemd/dremio-ha-monitor.service', import.meta.url).pathname;
const PROMETHEUS = new URL('../../examples/prometheus/', import.meta.url).pathname;

/** The tool's path, or null; searched like a shell would, so a CI machine without it skips. */
function which(tool: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, tool))) return join(dir, tool);
  }
  return null;
}

/** `[Section]` -> key -> every value given (systemd keys may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1]) {
      current = new Map();
      sections.set(header[1], current);
      continue;
    }
    const at = line.indexOf('=');
    assert.ok(current && at > 0, `a key=value line inside a section: ${line}`);
    const key = line.slice(0, at);
    current.set(key, [...(current.get(key) ?? []), line.slice(at + 1)]);
  }
  return sections;
}

describe('examples/systemd/dremio-ha-monitor.service', () => {
  it('is hardened, keeps its state in the state directory, and restarts on failure', async () => {
    const service = parseUnit(await readFile(UNIT, 'utf8')).get('Service');
    assert.ok(service, 'a [Service] section');
    const one = (key: string) => service.get(key)?.at(-1);
    for (const [key, value] of [
      ['DynamicUser', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['PrivateDevices', 'yes'],
      ['NoNewPrivileges', 'yes'],
      ['ProtectKernelTunables', 'yes'],
      ['ProtectKernelModules', 'yes'],
      ['ProtectKernelLogs', 'yes'],
      ['ProtectControlGroups', 'yes'],
      ['RestrictAddressFamilies', 'AF_INET AF_INET6 AF_UNIX'],
      ['StateDirectory', 'dremio-ha-monitor'],
      ['Restart', 'on-failure'],
      ['CapabilityBoundingSet', ''],
    ] as const) {
      assert.equal(one(key), value, key);
    }
    assert.match(one('RestartSec') ?? '', /^\d+s?$/);
    assert.equal(service.has('MemoryDenyWriteExecute'), false, "V8's JIT needs W+X memory");
  });

  it('starts watch with flags the CLI accepts: the configuration, the state directory, metrics on loopback', async () => {
    const service = parseUnit(await readFile(UNIT, 'utf8')).get('Service');
    const [program, command, ...args] = (service?.get('ExecStart')?.at(-1) ?? '').split(/\s+/);
    assert.match(program ?? '', /\/dremio-ha-monitor$/);
    assert.equal(command, 'watch');
    // %S is systemd's state directory root (/var/lib for a system service).
    const settings = watchSettings(args.map((arg) => arg.replaceAll('%S', '/var/lib')));
    assert.equal(settings.values.config, '/etc/dremio-ha-monitor/monitor.yaml');
    assert.equal(settings.values['data-dir'], '/var/lib/dremio-ha-monitor');
    assert.deepEqual(settings.metricsListen, { host: '127.0.0.1', port: 9464 });
  });

  it('passes systemd-analyze verify', async (t) => {
    const analyze = which('systemd-analyze');
    if (!analyze) {
      t.skip('systemd-analyze not installed: apt-get install systemd');
      return;
    }
    // verify checks that the program exists: the installed path is swapped for this clone's.
    const dir = await mkdtemp(join(tmpdir(), 'unit-'));
    try {
      const copy = join(dir, 'dremio-ha-monitor.service');
      const text = await readFile(UNIT, 'utf8');
      await writeFile(copy, text.replace(/^ExecStart=\S+/m, `ExecStart=${BIN}`));
      const result = spawnSync(analyze, ['verify', copy], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr.trim(), '', 'no warning (an unknown key, a key in the wrong section)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('examples/prometheus/dremio-ha-monitor.rules.yml', () => {
  const promtool = which('promtool');
  const skip = promtool ? false : 'promtool not installed: apt-get install prometheus';

  it('passes promtool check rules', { skip }, () => {
    const out = execFileSync(promtool as string, ['check', 'rules', 'dremio-ha-monitor.rules.yml'], {
      cwd: PROMETHEUS,
      encoding: 'utf8',
    });
    assert.match(out, /SUCCESS: 3 rules found/);
  });

  it('passes its promtool unit tests: MonitorStale fires on a stale series and not on a fresh one', {
    skip,
  }, () => {
    const result = spawnSync(promtool as string, ['test', 'rules', 'dremio-ha-monitor.rules.test.yml'], {
      cwd: PROMETHEUS,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /SUCCESS/);
  });
});
