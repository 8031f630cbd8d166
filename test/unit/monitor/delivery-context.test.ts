import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ClusterConfig, parseConfig } from '../../../shared/config/index.ts';
import { plainTextMessage } from '../../../shared/events/present.ts';
import { contextFor } from '../../../shared/monitor/cluster-delivery.ts';
import { emailOf } from '../../../shared/notify/sns/index.ts';
import { sampleEvent } from '../../support/notify-events.ts';

function clusterWith(remediation: Record<string, unknown>): ClusterConfig {
  const config = parseConfig(
    {
      clusters: [
        {
          name: 'prod',
          zookeeper: { connect: '127.0.0.1:2181' },
          coordinators: [
            {
              address: '10.0.0.1',
              webUrl: 'http://10.0.0.1:9047',
              role: 'master-candidate',
              instanceId: 'i-0aaa1111bbbb2222c',
            },
            {
              address: '10.0.0.2',
              webUrl: 'http://10.0.0.2:9047',
              role: 'master-candidate',
              instanceId: 'i-0ddd3333eeee4444f',
            },
          ],
          remediation,
        },
      ],
    },
    'test',
  );
  return config.clusters[0] as ClusterConfig;
}

const RESTARTS = /monitor will restart/i;

describe('the context a delivery gives notifiers', () => {
  const failover = sampleEvent('FAILOVER_COMPLETED');

  it('says the monitor restarts the failed master when remediation is enabled', () => {
    const context = contextFor(clusterWith({ enabled: true }), failover);
    assert.equal(context.remediationEnabled, true);
    assert.match(plainTextMessage(failover, context), RESTARTS);
    assert.match(emailOf(failover, context), RESTARTS);
  });

  for (const [name, remediation] of [
    ['disabled', {}],
    ['a dry run, which calls nothing', { enabled: true, dryRun: true }],
  ] as const) {
    it(`asks a person to restart it when remediation is ${name}`, () => {
      const context = contextFor(clusterWith(remediation), failover);
      assert.equal(context.remediationEnabled, undefined);
      const text = plainTextMessage(failover, context);
      assert.doesNotMatch(text, RESTARTS);
      assert.match(text, /Dremio does not restart it/);
      assert.doesNotMatch(emailOf(failover, context), RESTARTS);
    });
  }
});
