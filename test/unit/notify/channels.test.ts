import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Agent } from 'undici';
import { parseConfig } from '../../../shared/config/index.ts';
import { AlertmanagerNotifier } from '../../../shared/notify/alertmanager/index.ts';
import { buildNotifiers } from '../../../shared/notify/channels.ts';
import { keepsAlertsAlive } from '../../../shared/notify/notifier.ts';
import { PagerDutyNotifier } from '../../../shared/notify/pagerduty/index.ts';
import { TeamsNotifier } from '../../../shared/notify/teams/index.ts';
import { WebhookNotifier } from '../../../shared/notify/webhook/index.ts';
import { sampleNotification } from '../../support/notify-events.ts';

describe('buildNotifiers: the configured channels as notifiers', () => {
  const dispatcher = new Agent();
  after(() => dispatcher.close());
  const env = {
    PD_KEY: 'R0UT1NGKEY0000000000000000TEST32',
    TEAMS_URL:
      'https://prod.westeurope.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=abcdefgh12345678',
    SIGNING: 'whsec-0123456789abcdef',
    AM_AUTH: 'Bearer am-token-0123',
  };
  const channels = parseConfig(
    {
      clusters: [
        {
          name: 'prod',
          zookeeper: { connect: 'zk1:2181' },
          coordinators: [{ address: 'a', role: 'master-candidate' }],
        },
      ],
      channels: {
        pd: { kind: 'pagerduty', routingKey: { env: 'PD_KEY' } },
        teams: { kind: 'teams-workflow', webhookUrl: { env: 'TEAMS_URL' } },
        hook: { kind: 'webhook', url: 'https://hooks.corp/x', signingSecret: { env: 'SIGNING' } },
        am: {
          kind: 'alertmanager',
          url: 'http://am.corp:9093',
          headers: { Authorization: { env: 'AM_AUTH' } },
        },
        broken: { kind: 'pagerduty', routingKey: { env: 'UNSET_VARIABLE' } },
      },
    },
    't',
  ).channels;

  it('builds each kind with its secrets resolved; only Alertmanager keeps alerts alive', async () => {
    const notifiers = await buildNotifiers(channels, { dispatcher, secrets: { env } });
    assert.ok(notifiers.get('pd') instanceof PagerDutyNotifier);
    assert.ok(notifiers.get('teams') instanceof TeamsNotifier);
    assert.ok(notifiers.get('hook') instanceof WebhookNotifier);
    assert.ok(notifiers.get('am') instanceof AlertmanagerNotifier);
    assert.deepEqual(
      [...notifiers.values()].filter(keepsAlertsAlive).map((notifier) => notifier.channel),
      ['am'],
    );
  });

  it('a channel whose secret is missing fails every delivery saying why, and the others still build', async () => {
    const notifiers = await buildNotifiers(channels, { dispatcher, secrets: { env } });
    const outcome = await notifiers
      .get('broken')
      ?.send(sampleNotification('MASTER_DOWN'), new AbortController().signal);
    assert.equal(outcome?.kind, 'failed');
    assert.match(
      outcome?.kind === 'failed' ? outcome.reason : '',
      /channel broken is not usable: .*UNSET_VARIABLE/,
    );
    assert.equal(notifiers.size, 5);
  });
});
