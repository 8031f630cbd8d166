import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { classifyServerStatus, type HttpExchange } from '../../../shared/observe/server-status.ts';
import {
  observeServerAnswers,
  parseMntr,
  parseSrvr,
  quorumOf,
  type ZooKeeperServerObservation,
} from '../../../shared/observe/zookeeper-servers.ts';

const SRVR_LEADER = `Zookeeper version: 3.8.0-\${mvngit.commit.id}, built on 2024-12-29 17:54 UTC
Latency min/avg/max: 0/1.5/7
Received: 20
Sent: 19
Connections: 2
Outstanding: 3
Zxid: 0x100000004
Mode: leader
Node count: 12
Proposal sizes last/min/max: 48/48/120
`;

describe('classifyServerStatus', () => {
  const cases: Array<[string, HttpExchange, string]> = [
    ['200 "OK"', { kind: 'answered', statusCode: 200, body: '"OK"' }, 'ok'],
    ['200 "OK" with spaces', { kind: 'answered', statusCode: 200, body: ' "OK"\n' }, 'ok'],
    ['503 "MASTER_DOWN"', { kind: 'answered', statusCode: 503, body: '"MASTER_DOWN"' }, 'master_down'],
    ['200 bare OK (not JSON)', { kind: 'answered', statusCode: 200, body: 'OK' }, 'unexpected'],
    ['200 "MASTER_DOWN"', { kind: 'answered', statusCode: 200, body: '"MASTER_DOWN"' }, 'unexpected'],
    [
      '503 from a load balancer',
      { kind: 'answered', statusCode: 503, body: '<html>Service Unavailable</html>' },
      'unexpected',
    ],
    ['302 to a login page', { kind: 'answered', statusCode: 302, body: '' }, 'unexpected'],
    ['refused', { kind: 'failed', code: 'ECONNREFUSED', message: '' }, 'refused'],
    ['connect timeout', { kind: 'failed', code: 'UND_ERR_CONNECT_TIMEOUT', message: '' }, 'timeout'],
    ['total timeout', { kind: 'failed', code: 'TimeoutError', message: '' }, 'timeout'],
    ['headers timeout', { kind: 'failed', code: 'UND_ERR_HEADERS_TIMEOUT', message: '' }, 'timeout'],
    ['self-signed', { kind: 'failed', code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: '' }, 'tls_error'],
    ['unknown CA', { kind: 'failed', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: '' }, 'tls_error'],
    ['wrong host', { kind: 'failed', code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: '' }, 'tls_error'],
    ['DNS', { kind: 'failed', code: 'ENOTFOUND', message: '' }, 'unreachable'],
    ['reset', { kind: 'failed', code: 'ECONNRESET', message: '' }, 'unreachable'],
  ];
  for (const [name, exchange, kind] of cases) {
    it(`classifies ${name} as ${kind}`, () => {
      assert.equal(classifyServerStatus(exchange, 5).kind, kind);
    });
  }

  it('keeps a short, single-line excerpt of an unexpected body', () => {
    const status = classifyServerStatus(
      { kind: 'answered', statusCode: 500, body: `<h1>\n${'x'.repeat(500)}` },
      1,
    );
    assert.equal(status.kind, 'unexpected');
    assert.ok(
      status.kind === 'unexpected' && status.bodyExcerpt.length <= 120 && !status.bodyExcerpt.includes('\n'),
    );
  });

  it('never calls anything ok but 200 "OK"', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.string({ maxLength: 30 }), (statusCode, body) => {
        const kind = classifyServerStatus({ kind: 'answered', statusCode, body }, 1).kind;
        if (kind === 'ok') assert.ok(statusCode === 200 && JSON.parse(body) === 'OK');
      }),
    );
  });
});

describe('four-letter-word answers', () => {
  it('reads mode, latency, outstanding requests and znode count from srvr', () => {
    assert.deepEqual(parseSrvr(SRVR_LEADER), {
      kind: 'serving',
      mode: 'leader',
      avgRequestLatencyMs: 1.5,
      outstandingRequests: 3,
      znodeCount: 12,
    });
  });

  it('tells not serving, not whitelisted and unrecognised answers apart', () => {
    assert.equal(
      parseSrvr('This ZooKeeper instance is not currently serving requests\n').kind,
      'not_serving',
    );
    assert.equal(
      parseSrvr('srvr is not executed because it is not in the whitelist.\n').kind,
      'not_whitelisted',
    );
    assert.equal(parseSrvr('HTTP/1.1 400 Bad Request\r\n').kind, 'unrecognised');
  });

  it('reads mntr as key/value pairs and refuses a whitelist refusal', () => {
    const stats = parseMntr('zk_version\t3.8.0\nzk_server_state\tleader\nzk_synced_followers\t2\n');
    assert.equal(stats?.zk_synced_followers, '2');
    assert.equal(Object.getPrototypeOf(stats), null);
    assert.equal(parseMntr('mntr is not executed because it is not in the whitelist.\n'), null);
  });

  it('counts a server as serving only when srvr reported a mode', () => {
    const answers = [
      [{ kind: 'answered', text: SRVR_LEADER, latencyMs: 1 }, 'serving', true],
      [
        { kind: 'answered', text: 'srvr is not executed because it is not in the whitelist.', latencyMs: 1 },
        'unknown',
        false,
      ],
      [
        { kind: 'answered', text: 'This ZooKeeper instance is not currently serving requests', latencyMs: 1 },
        'not_serving',
        false,
      ],
      [{ kind: 'unreachable', reason: 'ECONNREFUSED', latencyMs: 1 }, 'unreachable', false],
    ] as const;
    for (const [srvr, state, serving] of answers) {
      const observation = observeServerAnswers('127.0.0.1', 2181, srvr, null);
      assert.equal(observation.state, state);
      assert.equal(observation.serving, serving);
    }
  });
});

describe('quorumOf', () => {
  const server = (state: ZooKeeperServerObservation['state']): ZooKeeperServerObservation => ({
    host: 'h',
    port: 1,
    serving: state === 'serving',
    state,
    mode: null,
    latencyMs: 1,
    avgRequestLatencyMs: null,
    outstandingRequests: null,
    znodeCount: null,
    syncedFollowers: null,
    detail: null,
  });
  const cases: Array<[string, ZooKeeperServerObservation['state'][], boolean, boolean | null]> = [
    ['3 of 3 serving', ['serving', 'serving', 'serving'], true, true],
    ['2 of 3 serving', ['serving', 'serving', 'unreachable'], true, true],
    [
      '1 of 3 serving: it serves only inside a quorum',
      ['serving', 'unreachable', 'not_serving'],
      false,
      true,
    ],
    ['standalone serving', ['serving'], true, true],
    ['standalone says it is not serving', ['not_serving'], false, false],
    [
      'one says not serving, the others unreachable',
      ['not_serving', 'unreachable', 'unreachable'],
      false,
      false,
    ],
    [
      'no server answers: the monitor may be cut off',
      ['unreachable', 'unreachable', 'unreachable'],
      false,
      null,
    ],
    ['standalone unreachable: cannot tell', ['unreachable'], false, null],
    ['whitelist hides all, reads work', ['unknown', 'unknown', 'unknown'], true, true],
    ['whitelist hides all, no reads', ['unknown', 'unknown', 'unknown'], false, null],
    ['a read proves a quorum whatever the words say', ['not_serving', 'unreachable', 'unknown'], true, true],
  ];
  for (const [name, states, readSucceeded, expected] of cases) {
    it(`${name}: ${expected}`, () => {
      assert.equal(quorumOf(states.map(server), readSucceeded), expected);
    });
  }
  it('says the quorum is lost only when a server itself says it is not serving and none serves', () => {
    const state = fc.constantFrom('serving', 'not_serving', 'unreachable', 'unknown') as fc.Arbitrary<
      ZooKeeperServerObservation['state']
    >;
    fc.assert(
      fc.property(fc.array(state, { minLength: 1, maxLength: 7 }), fc.boolean(), (states, read) => {
        const lost = quorumOf(states.map(server), read) === false;
        const evidence = states.includes('not_serving') && !states.includes('serving') && !read;
        assert.equal(lost, evidence);
      }),
    );
  });
});
