import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { DescribeInstanceStatusCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  type CommandInvocationStatus,
  GetCommandInvocationCommand,
  type GetCommandInvocationCommandOutput,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { Ec2Executor } from '../../../shared/remediate/ec2/ec2-executor.ts';
import { SsmServiceCheck } from '../../../shared/remediate/ec2/ssm-service-check.ts';

const ID = 'i-0abc1234def567890';
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'not-a-secret' };
const ssmClient = new SSMClient({ region: 'eu-west-1', credentials });
const ssm = mockClient(ssmClient);
const ec2Client = new EC2Client({ region: 'eu-west-1', credentials });
const ec2 = mockClient(ec2Client);
const signal = () => new AbortController().signal;

function invocation(
  Status: CommandInvocationStatus,
  StandardOutputContent = '',
): GetCommandInvocationCommandOutput {
  return { $metadata: { requestId: `req-${Status}` }, Status, StandardOutputContent };
}

describe('SsmServiceCheck.state: does Dremio already run, before a restart?', () => {
  beforeEach(() => {
    ssm.reset();
    ssm
      .on(SendCommandCommand)
      .resolves({ $metadata: { requestId: 'req-send' }, Command: { CommandId: 'cmd-9' } });
  });
  const cases: Array<[string, GetCommandInvocationCommandOutput[], string]> = [
    ['active: running', [invocation('InProgress'), invocation('Success', 'active\n')], 'running'],
    ['activating (systemd starting it): running', [invocation('Failed', 'activating\n')], 'running'],
    ['inactive: not running', [invocation('Failed', 'inactive\n')], 'not-running'],
    ['failed: not running', [invocation('Failed', 'failed\n')], 'not-running'],
    ['still pending when the wait ends: unknown', [invocation('Pending'), invocation('Pending')], 'unknown'],
  ];
  for (const [name, answers, kind] of cases) {
    it(name, async () => {
      let stub = ssm.on(GetCommandInvocationCommand);
      for (const answer of answers) stub = stub.resolvesOnce(answer);
      stub.resolves(answers.at(-1) ?? invocation('Pending'));
      const check = new SsmServiceCheck({ client: ssmClient, unit: 'dremio' });
      const state = await check.state(ID, signal(), { waitMs: 30, pollMs: 10 });
      assert.equal(state.kind, kind);
    });
  }
});

describe("SsmServiceCheck with the construct's own document", () => {
  it('sends the document with the unit as its only parameter, never a shell command', async () => {
    ssm.reset();
    ssm
      .on(SendCommandCommand)
      .resolves({ $metadata: { requestId: 'req-send' }, Command: { CommandId: 'cmd-2' } });
    ssm.on(GetCommandInvocationCommand).resolves(invocation('Success', 'active\n'));
    const check = new SsmServiceCheck({
      client: ssmClient,
      unit: 'dremio',
      documentName: 'Stack-ServiceCheck-1A2B',
    });
    assert.equal((await check.check(ID, signal())).kind, 'verified');
    const [input] = ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input);
    assert.equal(input?.DocumentName, 'Stack-ServiceCheck-1A2B');
    assert.deepEqual(input?.Parameters, { unit: ['dremio'] });
  });
});

describe('SsmServiceCheck: is the restarted Dremio service active?', () => {
  beforeEach(() => {
    ssm.reset();
    ssm
      .on(SendCommandCommand)
      .resolves({ $metadata: { requestId: 'req-send' }, Command: { CommandId: 'cmd-1' } });
  });

  it('sends one `systemctl is-active` command, then reads its result until it is done', async () => {
    ssm
      .on(GetCommandInvocationCommand)
      .resolvesOnce(invocation('InProgress'))
      .resolvesOnce(invocation('Success', 'active\n'));
    const check = new SsmServiceCheck({ client: ssmClient, unit: 'dremio' });
    const first = await check.check(ID, signal());
    assert.deepEqual(first, { kind: 'not-yet', reason: 'the SSM check of dremio is InProgress' });
    const second = await check.check(ID, signal());
    assert.deepEqual(second, {
      kind: 'verified',
      facts: { ssmCommandId: 'cmd-1', unit: 'dremio', serviceState: 'active', requestIds: ['req-Success'] },
    });
    assert.deepEqual(
      ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input),
      [
        {
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: [ID],
          Parameters: { commands: ['systemctl is-active dremio'] },
          TimeoutSeconds: 30,
          Comment: 'dremio-ha-monitor: is the restarted Dremio service active?',
        },
      ],
      'one command for both polls',
    );
  });

  const answers: Array<[string, ReturnType<typeof invocation>, 'not-yet' | 'failed']> = [
    ['a unit still starting', invocation('Failed', 'activating\n'), 'not-yet'],
    ['a unit not started yet', invocation('Failed', 'inactive\n'), 'not-yet'],
    ['a failed unit', invocation('Failed', 'failed\n'), 'failed'],
    ['a command that timed out (an agent not up yet)', invocation('TimedOut'), 'not-yet'],
  ];
  for (const [what, answer, kind] of answers) {
    it(`${kind}: ${what}`, async () => {
      ssm.on(GetCommandInvocationCommand).resolves(answer);
      const outcome = await new SsmServiceCheck({ client: ssmClient, unit: 'dremio' }).check(ID, signal());
      assert.equal(outcome.kind, kind, JSON.stringify(outcome));
    });
  }

  it('no permission fails, naming the IAM actions; an invocation not there yet waits', async () => {
    ssm
      .on(GetCommandInvocationCommand)
      .rejects(Object.assign(new Error('x'), { name: 'InvocationDoesNotExist' }));
    const waiting = await new SsmServiceCheck({ client: ssmClient, unit: 'dremio' }).check(ID, signal());
    assert.equal(waiting.kind, 'not-yet');
    ssm.reset();
    ssm.on(SendCommandCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const denied = await new SsmServiceCheck({ client: ssmClient, unit: 'dremio' }).check(ID, signal());
    assert.equal(denied.kind, 'failed');
    assert.match(denied.kind === 'failed' ? denied.reason : '', /ssm:SendCommand/);
  });

  it('refuses a unit name that is not one (it goes into a shell command)', () => {
    assert.throws(() => new SsmServiceCheck({ client: ssmClient, unit: 'dremio; rm -rf /' }), RangeError);
  });
});

describe('Ec2Executor.verify with a service check', () => {
  beforeEach(() => {
    ec2.reset();
    ssm.reset();
    ec2.on(DescribeInstanceStatusCommand).resolves({
      $metadata: { requestId: 'req-status' },
      InstanceStatuses: [
        {
          InstanceId: ID,
          InstanceState: { Name: 'running', Code: 16 },
          SystemStatus: { Status: 'ok' },
          InstanceStatus: { Status: 'ok' },
        },
      ],
    });
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-2' } });
  });

  it('is verified only once the service is active, with both facts', async () => {
    ssm.on(GetCommandInvocationCommand).resolves(invocation('Success', 'active'));
    const executor = new Ec2Executor({
      client: ec2Client,
      clusterTag: { key: 'dremio-ha-monitor:cluster', value: 'prod' },
      serviceCheck: new SsmServiceCheck({ client: ssmClient, unit: 'dremio' }),
    });
    const target = { cluster: 'prod', address: '10.0.12.7', role: 'coordinator', instanceId: ID } as const;
    const outcome = await executor.verify(target, signal());
    assert.equal(outcome.kind, 'verified');
    assert.equal(
      outcome.kind === 'verified' && (outcome.facts.service as { serviceState: string }).serviceState,
      'active',
    );
    assert.equal(outcome.kind === 'verified' && outcome.facts.instanceStatus, 'ok');
  });

  it('a failed service fails the verification', async () => {
    ssm.on(GetCommandInvocationCommand).resolves(invocation('Failed', 'failed'));
    const executor = new Ec2Executor({
      client: ec2Client,
      clusterTag: { key: 'dremio-ha-monitor:cluster', value: 'prod' },
      serviceCheck: new SsmServiceCheck({ client: ssmClient, unit: 'dremio' }),
    });
    const outcome = await executor.verify(
      { cluster: 'prod', address: '10.0.12.7', role: 'coordinator', instanceId: ID },
      signal(),
    );
    assert.equal(outcome.kind, 'failed');
  });
});
