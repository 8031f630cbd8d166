import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFromParameter, configParser, settingsFrom } from '../../functions/runtime.ts';
import { ConfigError } from '../../shared/config/index.ts';

const TEXT = JSON.stringify({
  clusters: [
    {
      name: 'prod',
      zookeeper: { connect: 'zk1:2181' },
      coordinators: [{ address: 'a', role: 'master-candidate' }],
    },
  ],
});

describe('the functions read their configuration from SSM', () => {
  it('parses a text once: the same text gives the same object, a new text a new one', () => {
    const parse = configParser();
    const first = parse(TEXT, 'ssm:/c');
    assert.equal(parse(TEXT, 'ssm:/c'), first, 'cached per text, so per-configuration caches hit');
    const changed = parse(TEXT.replace('zk1', 'zk2'), 'ssm:/c');
    assert.notEqual(changed, first);
    assert.equal(changed.clusters[0]?.zookeeper.connect, 'zk2:2181');
  });

  it('names the parameter and what is wrong: not JSON, or an invalid configuration', () => {
    assert.throws(
      () => configFromParameter('clusters: []', 'ssm:/c'),
      (error: unknown) => error instanceof ConfigError && /^ssm:\/c: \(root\): not JSON/.test(error.message),
    );
    assert.throws(
      () => configFromParameter('{"clusters": []}', 'ssm:/c'),
      (error: unknown) => error instanceof ConfigError && error.message.includes('ssm:/c: clusters'),
    );
  });

  it('refuses a mode or a duration it does not know, naming the variable', () => {
    assert.throws(() => settingsFrom({ MONITOR_MODE: 'stream' }), /MONITOR_MODE must be poll or watch/);
    assert.throws(() => settingsFrom({ WATCH_MS: '-5' }), /WATCH_MS must be a positive integer/);
    assert.deepEqual(settingsFrom({}), {
      mode: 'poll',
      watchMs: 65_000,
      intervalMs: 10_000,
      remediationTopicArn: undefined,
    });
  });
});
