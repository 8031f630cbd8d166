import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latchSequence, orderLatchParticipants } from '../../../shared/dremio/latch.ts';
import { znodePaths } from '../../../shared/dremio/paths.ts';

describe('znodePaths', () => {
  const cases: Array<[string, string | undefined, string]> = [
    ['dremio', undefined, '/dremio'],
    ['dremio', '', '/dremio'],
    ['prod', 'a', '/a/prod'],
    ['dremio', '/tenants/x/', '/tenants/x/dremio'],
  ];
  for (const [clusterId, root, base] of cases) {
    it(`puts cluster ${clusterId} with root ${JSON.stringify(root)} under ${base}`, () => {
      const paths = znodePaths(root === undefined ? { clusterId } : { clusterId, root });
      assert.deepEqual(paths, {
        base,
        master: `${base}/master`,
        coordinator: `${base}/coordinator`,
        executor: `${base}/executor`,
        masterLatch: `${base}/leader-latch/master`,
      });
    });
  }

  it('refuses a cluster id that is not one znode name', () => {
    for (const clusterId of ['', 'a/b', '..', 'x\0y']) {
      assert.throws(() => znodePaths({ clusterId }), /invalid cluster id/);
    }
  });
});

describe('latch participants', () => {
  it('orders by the sequence after the last "latch-", as Curator does, whatever the UUID', () => {
    const children = [
      '_c_ffffffff-0000-0000-0000-000000000000-latch-0000000012',
      '_c_00000000-0000-0000-0000-000000000000-latch-0000000013',
      '_c_99999999-0000-0000-0000-000000000000-latch-0000000002',
      'not-a-participant',
    ];
    assert.deepEqual(
      orderLatchParticipants(children).map((participant) => participant.sequence),
      [2, 12, 13],
    );
  });

  it('reads only ten-digit sequences', () => {
    assert.equal(latchSequence('_c_x-latch-0000000007'), 7);
    assert.equal(latchSequence('_c_x-latch-7'), null);
    assert.equal(latchSequence('lock-0000000007'), null);
  });
});
