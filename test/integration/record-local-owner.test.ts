import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { isDeadLocalOwner, localOwner } from '../../shared/record/local-owner.ts';

describe('lease owners of this host: dead only when the process is gone', () => {
  it('names this process, which is alive', () => {
    assert.equal(localOwner(), `${hostname()}:${process.pid}`);
    assert.equal(isDeadLocalOwner(localOwner()), false);
  });

  it('a process that ran here and was killed is dead; while it ran it was not', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const owner = `${hostname()}:${child.pid}`;
    assert.equal(isDeadLocalOwner(owner), false, 'alive');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(isDeadLocalOwner(owner), true, 'gone');
  });

  it('never judges another host, a Lambda container or a malformed owner', () => {
    for (const owner of [
      'other-host:1234',
      'lambda:2026/12/02/[$LATEST]abc',
      'demo',
      `${hostname()}:x`,
      `${hostname()}:1`,
    ]) {
      assert.equal(isDeadLocalOwner(owner), false, owner);
    }
  });
});
