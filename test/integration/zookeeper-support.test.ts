import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import zookeeper from 'node-zookeeper-client';
import { sendFourLetterWord } from '../../shared/observe/four-letter-word.ts';
import { ZooKeeperSession } from '../../shared/zookeeper/session.ts';
import { startZooKeeper, type ZooKeeperCluster } from '../support/zookeeper.ts';

async function srvrMode(host: string, port: number): Promise<string | undefined> {
  const answer = await sendFourLetterWord(host, port, 'srvr', { timeoutMs: 1000 });
  return answer.kind === 'answered' ? /^Mode: (\S+)/m.exec(answer.text)?.[1] : undefined;
}

describe('real ZooKeeper, standalone', () => {
  let zk: ZooKeeperCluster;
  before(async () => {
    zk = await startZooKeeper({ tickTime: 100, minSessionTimeout: 600, maxSessionTimeout: 1500 });
  });
  after(() => zk.stop());

  it('serves in standalone mode on a loopback port', async () => {
    assert.match(zk.connectString, /^127\.0\.0\.1:\d+$/);
    const server = zk.servers[0];
    assert.ok(server);
    assert.equal(await srvrMode(server.host, server.clientPort), 'standalone');
  });

  it('clamps requested session timeouts to [minSessionTimeout, maxSessionTimeout]', async () => {
    for (const [requested, negotiated] of [
      [90_000, 1500],
      [100, 600],
      [1000, 1000],
    ] as const) {
      const session = await ZooKeeperSession.open({
        connect: zk.connectString,
        sessionTimeoutMs: requested,
        connectTimeoutMs: 3000,
      });
      assert.equal(session.negotiatedTimeoutMs, negotiated, `requested ${requested}`);
      session.close();
    }
  });

  it('whitelists every four-letter word by default', async () => {
    const server = zk.servers[0];
    assert.ok(server);
    const answer = await sendFourLetterWord(server.host, server.clientPort, 'mntr', { timeoutMs: 1000 });
    assert.equal(answer.kind, 'answered');
    assert.match(answer.kind === 'answered' ? answer.text : '', /^zk_server_state\tstandalone$/m);
  });
});

describe('real ZooKeeper, four-letter words not whitelisted', () => {
  let zk: ZooKeeperCluster;
  before(async () => {
    zk = await startZooKeeper({ fourLetterWords: false });
  });
  after(() => zk.stop());

  it('answers srvr but refuses mntr, as ZooKeeper does by default', async () => {
    const server = zk.servers[0];
    assert.ok(server);
    assert.equal(await srvrMode(server.host, server.clientPort), 'standalone');
    const answer = await sendFourLetterWord(server.host, server.clientPort, 'mntr', { timeoutMs: 1000 });
    assert.equal(answer.kind, 'answered');
    assert.match(answer.kind === 'answered' ? answer.text : '', /not in the whitelist/);
  });
});

describe('real ZooKeeper, 3-server ensemble', () => {
  let zk: ZooKeeperCluster;
  before(async () => {
    zk = await startZooKeeper({ servers: 3, tickTime: 100 });
  });
  after(() => zk.stop());

  it('forms a quorum with one leader and two followers', async () => {
    const modes = await Promise.all(zk.servers.map((server) => srvrMode(server.host, server.clientPort)));
    assert.deepEqual([...modes].sort(), ['follower', 'follower', 'leader']);
    assert.equal(zk.connectString.split(',').length, 3);
  });

  it('keeps serving reads and writes with its leader SIGKILLed, and takes the server back on restart', async () => {
    const modes = await Promise.all(zk.servers.map((server) => srvrMode(server.host, server.clientPort)));
    const leader = zk.servers[modes.indexOf('leader')];
    assert.ok(leader);
    const pid = leader.pid;
    await leader.kill();
    assert.equal(leader.running, false);
    assert.throws(() => process.kill(pid as number, 0), /ESRCH/);

    const survivors = zk.servers.filter((server) => server !== leader);
    const session = await ZooKeeperSession.open({
      connect: survivors.map((server) => `${server.host}:${server.clientPort}`).join(','),
      sessionTimeoutMs: 4000,
      connectTimeoutMs: 10_000,
    });
    await session.create('/written-without-leader', Buffer.from('quorum'), zookeeper.CreateMode.PERSISTENT);
    const read = await session.data('/written-without-leader');
    assert.equal(read?.data?.toString(), 'quorum');
    const survivorModes = await Promise.all(
      survivors.map((server) => srvrMode(server.host, server.clientPort)),
    );
    assert.deepEqual([...survivorModes].sort(), ['follower', 'leader']);

    await leader.restart();
    assert.equal(leader.running, true);
    assert.notEqual(leader.pid, pid);
    assert.equal(await srvrMode(leader.host, leader.clientPort), 'follower');
    session.close();
  });

  it('stops one server with SIGTERM and reports it not serving', async () => {
    const server = zk.servers[2];
    assert.ok(server);
    await server.stop();
    assert.equal(server.running, false);
    const answer = await sendFourLetterWord(server.host, server.clientPort, 'srvr', { timeoutMs: 500 });
    assert.equal(answer.kind, 'unreachable');
  });
});
