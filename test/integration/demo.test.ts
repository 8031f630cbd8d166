import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { killOnExit } from '../support/processes.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Finished {
  readonly code: number | null;
  readonly output: string;
}

/** `npm run demo` as a newcomer runs it (node --import tsx demo/run.ts), with CI set and no stdin. */
function demo(args: readonly string[], onOutput?: (output: string) => void): Promise<Finished> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/run.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnExit(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk;
    onOutput?.(output);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

function pidsIn(output: string): number[] {
  return [...output.matchAll(/\bpid (\d+)\b/g)].map((match) => Number(match[1]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run demo', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'demo-test-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('plays the failover: detected, announced, repaired, recorded; the timeline matches the audit log; nothing left running', async (t) => {
    const report = join(dir, 'report.html');
    const started = Date.now();
    const { code, output } = await demo(['--report', report]);
    t.diagnostic(`demo took ${Date.now() - started} ms`);
    assert.equal(code, 0, output);
    const timeline = output.slice(
      output.indexOf('Timeline (from the SIGKILL):'),
      output.indexOf('Latencies:'),
    );
    const auditLog = output.slice(output.indexOf('The audit log'), output.indexOf('The failover report'));
    const expected = [
      'MASTER_UNRESPONSIVE',
      'MASTER_DOWN',
      'FAILOVER_COMPLETED',
      'REMEDIATION_STARTED',
      'REMEDIATION_SUCCEEDED',
    ];
    const order = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((match) => match[1]);
    assert.deepEqual(order(timeline, /audit log {2}([A-Z_]+):/g), expected, timeline);
    assert.deepEqual(
      order(timeline, /Slack got ([A-Z_]+)/g),
      expected,
      'every event reached the local Slack',
    );
    assert.deepEqual(order(auditLog, / demo {2}([A-Z_]+) {2}/g), expected, auditLog);
    assert.match(output, /The timeline's 10 event lines match the audit log\./);
    assert.match(timeline, /the restarted master-a waits on the lock: an invisible standby/);
    assert.match(output, /none left behind/);
    const pids = pidsIn(output);
    assert.ok(pids.length >= 5, `the demo printed its processes: ${pids.join(', ')}`);
    assert.deepEqual(pids.filter(alive), [], 'no process left behind');
    const html = await readFile(report, 'utf8');
    assert.match(html, /FAILOVER_COMPLETED/);
    assert.doesNotMatch(html, /<script\b/);
  });

  it('--keep leaves the cluster and the monitor running, says how to kill the master, and stops on Ctrl-C', async () => {
    let signalled = false;
    const finished = demo(['--keep'], (output) => {
      if (!signalled && output.includes('Ctrl-C stops everything.')) {
        signalled = true;
        const pids = pidsIn(output);
        assert.ok(pids.every(alive), 'running while kept');
        const match = output.match(/kill -9 (\d+)/);
        assert.ok(match, 'says which pid is the master');
        setTimeout(() => process.kill(childPid(output), 'SIGINT'), 200);
      }
    });
    const { code, output } = await finished;
    assert.equal(code, 0, output);
    assert.match(output, /dremio-ha-monitor\.js events --store-endpoint http:\/\/127\.0\.0\.1:\d+/);
    assert.deepEqual(pidsIn(output).filter(alive), []);
  });
});

/** The demo prints its own pid for the SIGINT. */
function childPid(output: string): number {
  const match = output.match(/demo pid (\d+)/);
  if (!match) throw new Error('the demo did not print its pid');
  return Number(match[1]);
}
