import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  DescribeInstanceStatusCommand,
  type DescribeInstanceStatusCommandOutput,
  DescribeInstancesCommand,
  type DescribeInstancesCommandOutput,
  EC2Client,
  EC2ServiceException,
  type Instance,
  type InstanceStateName,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  type SummaryStatus,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { dryRun } from '../../../shared/remediate/dry-run.ts';
import {
  Ec2Executor,
  type Ec2ExecutorOptions,
  outcomeOfEc2Error,
} from '../../../shared/remediate/ec2/index.ts';
import type { ActionOutcome, RestartTarget } from '../../../shared/remediate/executor.ts';
import { LocalExecutor } from '../../../shared/remediate/local/index.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ID = 'i-0abc1234def567890';
const OTHER = 'i-0abc1234def567891';
const CLUSTER_TAG = { key: 'dremio-ha-monitor:cluster', value: 'prod' };
const TAGS = [
  { Key: 'dremio-ha-monitor:managed', Value: 'true' },
  { Key: 'dremio-ha-monitor:cluster', Value: 'prod' },
  { Key: 'Name', Value: 'dremio-coord-a' },
];
const BY_ID: RestartTarget = {
  cluster: 'prod',
  address: '10.0.12.7',
  role: 'master-candidate',
  instanceId: ID,
};
const BY_IP: RestartTarget = { cluster: 'prod', address: '10.0.12.7', role: 'master-candidate' };
const TAG_FILTERS = [
  { Name: 'tag:dremio-ha-monitor:managed', Values: ['true'] },
  { Name: 'tag:dremio-ha-monitor:cluster', Values: ['prod'] },
  { Name: 'instance-state-name', Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'] },
];
const REBOOT = { method: 'reboot' } as const;
const STOP_START = { method: 'stop-start' } as const;

const client = new EC2Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'not-a-secret' },
});
const ec2 = mockClient(client);

function executor(options: Partial<Ec2ExecutorOptions> = {}): Ec2Executor {
  return new Ec2Executor({ client, clusterTag: CLUSTER_TAG, pollIntervalMs: 1, ...options });
}

function signal(): AbortSignal {
  return new AbortController().signal;
}

function instance(state: InstanceStateName, overrides: Partial<Instance> = {}): Instance {
  return {
    InstanceId: ID,
    State: { Name: state },
    PrivateIpAddress: '10.0.12.7',
    PrivateDnsName: 'ip-10-0-12-7.eu-west-1.compute.internal',
    Tags: TAGS,
    ...overrides,
  };
}

function described(requestId: string, ...instances: Instance[]): DescribeInstancesCommandOutput {
  return { $metadata: { requestId }, Reservations: instances.length ? [{ Instances: instances }] : [] };
}

function awsError(name: string, httpStatusCode: number, requestId: string, message = `${name} happened`) {
  return new EC2ServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode, requestId },
    message,
  });
}

/** The commands sent, in order, by class name. */
function sent(): string[] {
  return ec2.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ''));
}

function inputs(command: Parameters<typeof ec2.commandCalls>[0]): unknown[] {
  return ec2.commandCalls(command).map((call) => call.args[0].input);
}

function failed(outcome: ActionOutcome): Extract<ActionOutcome, { kind: 'failed' }> {
  assert.equal(outcome.kind, 'failed', JSON.stringify(outcome));
  return outcome as Extract<ActionOutcome, { kind: 'failed' }>;
}

const UNAUTHORIZED_MESSAGE =
  'You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/monitor/fn ' +
  'is not authorized to perform: ec2:RebootInstances. Encoded authorization failure message: ' +
  'wQpxYQK0lGdrA3Y6tL8n2Hh0f6Vb1JX9sEr4kP7mZcWq5uTyN3oI2aD8gF1hJ6lKxCvBnM0zXrEaYsRtUiOpLkJhGfDsA';

describe('Ec2Executor.restart', () => {
  beforeEach(() => ec2.reset());

  it('by instance id, running: DescribeInstances by id, then RebootInstances; facts carry ids, state, method, request ids', async () => {
    ec2.on(DescribeInstancesCommand).resolves(described('req-describe', instance('running')));
    ec2.on(RebootInstancesCommand).resolves({ $metadata: { requestId: 'req-reboot' } });
    const outcome = await executor().restart(BY_ID, REBOOT, signal());
    assert.deepEqual(outcome, {
      kind: 'done',
      facts: {
        address: '10.0.12.7',
        role: 'master-candidate',
        resolvedBy: 'instance-id',
        instanceId: ID,
        previousState: 'running',
        method: 'reboot',
        requestIds: ['req-describe', 'req-reboot'],
      },
    });
    assert.deepEqual(sent(), ['DescribeInstances', 'RebootInstances']);
    assert.deepEqual(inputs(DescribeInstancesCommand), [{ InstanceIds: [ID] }]);
    assert.deepEqual(inputs(RebootInstancesCommand), [{ InstanceIds: [ID] }]);
  });

  it('by private IP: DescribeInstances filtered on the address, both tags and the live states', async () => {
    ec2.on(DescribeInstancesCommand).resolves(described('req-1', instance('running')));
    ec2.on(RebootInstancesCommand).resolves({ $metadata: { requestId: 'req-2' } });
    const outcome = await executor().restart(BY_IP, REBOOT, signal());
    assert.equal(outcome.kind, 'done');
    assert.equal(outcome.facts.resolvedBy, 'private-ip-address');
    assert.equal(outcome.facts.instanceId, ID);
    assert.deepEqual(ec2.commandCalls(DescribeInstancesCommand)[0]?.args[0].input, {
      Filters: [{ Name: 'private-ip-address', Values: ['10.0.12.7'] }, ...TAG_FILTERS],
    });
    assert.deepEqual(inputs(RebootInstancesCommand), [{ InstanceIds: [ID] }]);
  });

  it('by DNS name: filters private-dns-name (lower case), with a custom managed tag', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .resolves(
        described(
          'req-1',
          instance('running', { Tags: [...TAGS, { Key: 'ops:restartable', Value: 'yes' }] }),
        ),
      );
    ec2.on(RebootInstancesCommand).resolves({ $metadata: { requestId: 'req-2' } });
    const target = { ...BY_IP, address: 'IP-10-0-12-7.eu-west-1.compute.internal' };
    const managedTag = { key: 'ops:restartable', value: 'yes' };
    const outcome = await executor({ managedTag }).restart(target, REBOOT, signal());
    assert.equal(outcome.kind, 'done');
    assert.deepEqual(ec2.commandCalls(DescribeInstancesCommand)[0]?.args[0].input, {
      Filters: [
        { Name: 'private-dns-name', Values: ['ip-10-0-12-7.eu-west-1.compute.internal'] },
        { Name: 'tag:ops:restartable', Values: ['yes'] },
        ...TAG_FILTERS.slice(1),
      ],
    });
  });

  it('stopped: StartInstances, whatever the method', async () => {
    ec2.on(DescribeInstancesCommand).resolves(described('req-1', instance('stopped')));
    ec2.on(StartInstancesCommand).resolves({
      $metadata: { requestId: 'req-2' },
      StartingInstances: [
        { InstanceId: ID, CurrentState: { Name: 'pending' }, PreviousState: { Name: 'stopped' } },
      ],
    });
    const outcome = await executor().restart(BY_ID, REBOOT, signal());
    assert.equal(outcome.kind, 'done');
    assert.deepEqual(outcome.facts, {
      address: '10.0.12.7',
      role: 'master-candidate',
      resolvedBy: 'instance-id',
      instanceId: ID,
      previousState: 'stopped',
      method: 'start',
      currentState: 'pending',
      requestIds: ['req-1', 'req-2'],
    });
    assert.deepEqual(sent(), ['DescribeInstances', 'StartInstances']);
    assert.deepEqual(inputs(StartInstancesCommand), [{ InstanceIds: [ID] }]);
  });

  it('stop-start: StopInstances, polls DescribeInstances until stopped, then StartInstances', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce(described('req-1', instance('running')))
      .resolvesOnce(described('req-3', instance('stopping')))
      .resolvesOnce(described('req-4', instance('stopped')));
    ec2.on(StopInstancesCommand).resolves({ $metadata: { requestId: 'req-2' } });
    ec2.on(StartInstancesCommand).resolves({ $metadata: { requestId: 'req-5' } });
    const outcome = await executor().restart(BY_ID, STOP_START, signal());
    assert.equal(outcome.kind, 'done');
    assert.equal(outcome.facts.method, 'stop-start');
    assert.deepEqual(outcome.facts.requestIds, ['req-1', 'req-2', 'req-3', 'req-4', 'req-5']);
    assert.deepEqual(sent(), [
      'DescribeInstances',
      'StopInstances',
      'DescribeInstances',
      'DescribeInstances',
      'StartInstances',
    ]);
    assert.deepEqual(inputs(StopInstancesCommand), [{ InstanceIds: [ID] }]);
    assert.deepEqual(inputs(DescribeInstancesCommand).slice(1), [
      { InstanceIds: [ID] },
      { InstanceIds: [ID] },
    ]);
    assert.deepEqual(inputs(StartInstancesCommand), [{ InstanceIds: [ID] }]);
  });

  it('stop-start that does not stop in time: failed, retryable, stopIssued, no StartInstances', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce(described('req-1', instance('running')))
      .resolves(described('req-n', instance('stopping')));
    ec2.on(StopInstancesCommand).resolves({ $metadata: { requestId: 'req-2' } });
    const outcome = failed(await executor({ stopTimeoutMs: 0 }).restart(BY_ID, STOP_START, signal()));
    assert.equal(outcome.retryable, true);
    assert.match(outcome.reason, /still stopping/);
    assert.equal(outcome.facts.stopIssued, true);
    assert.equal(ec2.commandCalls(StartInstancesCommand).length, 0);
  });

  it('refuses an instance without the opt-in tag, or of another cluster: not retryable, nothing restarted', async () => {
    for (const [tags, missing] of [
      [[{ Key: 'dremio-ha-monitor:cluster', Value: 'prod' }], 'dremio-ha-monitor:managed=true'],
      [
        [
          { Key: 'dremio-ha-monitor:managed', Value: 'true' },
          { Key: 'dremio-ha-monitor:cluster', Value: 'dev' },
        ],
        'dremio-ha-monitor:cluster=prod',
      ],
      [undefined, 'dremio-ha-monitor:managed=true and dremio-ha-monitor:cluster=prod'],
    ] as const) {
      ec2.reset();
      ec2
        .on(DescribeInstancesCommand)
        .resolves(described('req-1', instance('running', { Tags: tags && [...tags] })));
      const outcome = failed(await executor().restart(BY_ID, REBOOT, signal()));
      assert.equal(outcome.retryable, false);
      assert.match(outcome.reason, new RegExp(`does not carry ${missing}: refusing`));
      assert.deepEqual(sent(), ['DescribeInstances']);
      assert.deepEqual(outcome.facts.requestIds, ['req-1']);
    }
  });

  it('refuses an address that matches two instances', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .resolves(described('req-1', instance('running'), instance('running', { InstanceId: OTHER })));
    const outcome = failed(await executor().restart(BY_IP, REBOOT, signal()));
    assert.equal(outcome.retryable, false);
    assert.match(outcome.reason, new RegExp(`2 instances match 10.0.12.7 \\(${ID}, ${OTHER}\\)`));
    assert.deepEqual(sent(), ['DescribeInstances']);
  });

  it('no tagged instance at the address, or no such instance id: failed, not retryable', async () => {
    ec2.on(DescribeInstancesCommand).resolves(described('req-1'));
    const byIp = failed(await executor().restart(BY_IP, REBOOT, signal()));
    assert.equal(byIp.retryable, false);
    assert.match(
      byIp.reason,
      /no instance with private-ip-address 10.0.12.7 carries dremio-ha-monitor:managed=true/,
    );
    ec2.reset();
    ec2.on(DescribeInstancesCommand).rejects(awsError('InvalidInstanceID.NotFound', 400, 'req-nf'));
    const byId = failed(await executor().restart(BY_ID, REBOOT, signal()));
    assert.equal(byId.retryable, false);
    assert.match(byId.reason, new RegExp(`instance ${ID} does not exist`));
    assert.deepEqual(byId.facts.requestIds, ['req-nf']);
  });

  it('terminated or shutting-down: failed, not retryable; stopping or pending: failed, retryable', async () => {
    for (const [state, retryable] of [
      ['terminated', false],
      ['shutting-down', false],
      ['stopping', true],
      ['pending', true],
    ] as const) {
      ec2.reset();
      ec2.on(DescribeInstancesCommand).resolves(described('req-1', instance(state)));
      const outcome = failed(await executor().restart(BY_ID, REBOOT, signal()));
      assert.equal(outcome.retryable, retryable, state);
      assert.match(outcome.reason, new RegExp(`instance ${ID} is ${state}`));
      assert.equal(outcome.facts.previousState, state);
      assert.deepEqual(sent(), ['DescribeInstances'], state);
    }
  });

  it('throttling (RequestLimitExceeded, Throttling): failed, retryable, with the failed call request id', async () => {
    ec2.on(DescribeInstancesCommand).resolves(described('req-1', instance('running')));
    ec2.on(RebootInstancesCommand).rejects(awsError('RequestLimitExceeded', 503, 'req-throttled'));
    const reboot = failed(await executor().restart(BY_ID, REBOOT, signal()));
    assert.equal(reboot.retryable, true);
    assert.match(reboot.reason, /EC2 throttled RebootInstances/);
    assert.deepEqual(reboot.facts.requestIds, ['req-1', 'req-throttled']);
    ec2.reset();
    ec2.on(DescribeInstancesCommand).rejects(awsError('Throttling', 400, 'req-t'));
    const describe = failed(await executor().restart(BY_IP, REBOOT, signal()));
    assert.equal(describe.retryable, true);
    assert.match(describe.reason, /EC2 throttled DescribeInstances/);
  });

  it('UnauthorizedOperation: failed, not retryable, names the IAM action, leaves out the encoded message', async () => {
    ec2.on(DescribeInstancesCommand).resolves(described('req-1', instance('running')));
    ec2
      .on(RebootInstancesCommand)
      .rejects(awsError('UnauthorizedOperation', 403, 'req-403', UNAUTHORIZED_MESSAGE));
    const outcome = failed(await executor().restart(BY_ID, REBOOT, signal()));
    assert.equal(outcome.retryable, false);
    assert.match(outcome.reason, new RegExp(`not authorized to call ec2:RebootInstances on instance ${ID}`));
    assert.match(outcome.reason, /allow ec2:RebootInstances/);
    assert.doesNotMatch(outcome.reason, /wQpxYQK0/);
    assert.deepEqual(outcome.facts.requestIds, ['req-1', 'req-403']);
  });

  it('IncorrectInstanceState: failed, retryable', async () => {
    ec2.on(DescribeInstancesCommand).resolves(described('req-1', instance('stopped')));
    ec2
      .on(StartInstancesCommand)
      .rejects(
        awsError(
          'IncorrectInstanceState',
          400,
          'req-2',
          `The instance '${ID}' is not in a state from which it can be started.`,
        ),
      );
    const outcome = failed(await executor().restart(BY_ID, REBOOT, signal()));
    assert.equal(outcome.retryable, true);
    assert.match(outcome.reason, /not in a state that allows StartInstances/);
    assert.equal(outcome.facts.method, 'start');
  });
});

describe('dry run', () => {
  beforeEach(() => ec2.reset());

  it('allowed: the real look-up, then RebootInstances and DescribeInstanceStatus with DryRun; nothing restarted', async () => {
    ec2.on(DescribeInstancesCommand).resolves(described('req-1', instance('running')));
    ec2
      .on(RebootInstancesCommand)
      .rejects(
        awsError('DryRunOperation', 412, 'req-2', 'Request would have succeeded, but DryRun flag is set.'),
      );
    ec2.on(DescribeInstanceStatusCommand).rejects(awsError('DryRunOperation', 412, 'req-3'));
    const outcome = await dryRun(executor()).restart(BY_ID, REBOOT, signal());
    assert.equal(outcome.kind, 'done');
    assert.equal(outcome.facts.dryRun, true);
    assert.equal(outcome.facts.permission, 'allowed');
    assert.deepEqual(outcome.facts.allowed, ['ec2:RebootInstances', 'ec2:DescribeInstanceStatus']);
    assert.deepEqual(outcome.facts.requestIds, ['req-1', 'req-2', 'req-3']);
    assert.deepEqual(inputs(DescribeInstancesCommand), [{ InstanceIds: [ID] }]);
    assert.deepEqual(inputs(RebootInstancesCommand), [{ InstanceIds: [ID], DryRun: true }]);
    assert.deepEqual(inputs(DescribeInstanceStatusCommand), [
      { InstanceIds: [ID], DryRun: true, IncludeAllInstances: true },
    ]);
  });

  it('denied: failed, not retryable, naming the denied action', async () => {
    ec2.on(DescribeInstancesCommand).resolves(described('req-1', instance('running')));
    ec2.on(StopInstancesCommand).rejects(awsError('DryRunOperation', 412, 'req-2'));
    ec2
      .on(StartInstancesCommand)
      .rejects(awsError('UnauthorizedOperation', 403, 'req-3', UNAUTHORIZED_MESSAGE));
    ec2.on(DescribeInstanceStatusCommand).rejects(awsError('DryRunOperation', 412, 'req-4'));
    const outcome = failed(await dryRun(executor()).restart(BY_ID, STOP_START, signal()));
    assert.equal(outcome.retryable, false);
    assert.match(outcome.reason, /not authorized to call ec2:StartInstances/);
    assert.equal(outcome.facts.dryRun, true);
    assert.equal(outcome.facts.permission, 'denied');
    assert.deepEqual(outcome.facts.denied, ['ec2:StartInstances']);
    assert.deepEqual(outcome.facts.allowed, ['ec2:StopInstances', 'ec2:DescribeInstanceStatus']);
    assert.deepEqual(inputs(StopInstancesCommand), [{ InstanceIds: [ID], DryRun: true }]);
    assert.deepEqual(inputs(StartInstancesCommand), [{ InstanceIds: [ID], DryRun: true }]);
  });

  it('an untagged instance fails the dry run too, before any DryRun call', async () => {
    ec2.on(DescribeInstancesCommand).resolves(described('req-1', instance('running', { Tags: [] })));
    const outcome = failed(await dryRun(executor()).restart(BY_ID, REBOOT, signal()));
    assert.equal(outcome.retryable, false);
    assert.equal(outcome.facts.dryRun, true);
    assert.deepEqual(sent(), ['DescribeInstances']);
  });

  it('verify calls nothing; an executor without a permission check is not called at all', async () => {
    assert.deepEqual(await dryRun(executor()).verify(BY_ID, signal()), {
      kind: 'verified',
      facts: { dryRun: true, address: '10.0.12.7' },
    });
    assert.deepEqual(sent(), []);
    let restarts = 0;
    const local = new LocalExecutor({
      restart: async () => {
        restarts += 1;
      },
    });
    const outcome = await dryRun(local).restart(BY_IP, REBOOT, signal());
    assert.deepEqual(outcome, {
      kind: 'done',
      facts: {
        dryRun: true,
        address: '10.0.12.7',
        role: 'master-candidate',
        method: 'reboot',
        permission: 'not-checked',
      },
    });
    assert.equal(restarts, 0);
  });
});

describe('Ec2Executor.verify', () => {
  beforeEach(() => ec2.reset());

  function status(
    state: InstanceStateName,
    system: SummaryStatus,
    own: SummaryStatus,
  ): DescribeInstanceStatusCommandOutput {
    return {
      $metadata: { requestId: 'req-status' },
      InstanceStatuses: [
        {
          InstanceId: ID,
          InstanceState: { Name: state, Code: 16 },
          SystemStatus: { Status: system },
          InstanceStatus: { Status: own },
        },
      ],
    };
  }

  it('running with both status checks ok: verified', async () => {
    ec2.on(DescribeInstanceStatusCommand).resolves(status('running', 'ok', 'ok'));
    assert.deepEqual(await executor().verify(BY_ID, signal()), {
      kind: 'verified',
      facts: {
        instanceId: ID,
        state: 'running',
        systemStatus: 'ok',
        instanceStatus: 'ok',
        requestIds: ['req-status'],
      },
    });
    assert.deepEqual(inputs(DescribeInstanceStatusCommand), [
      { InstanceIds: [ID], IncludeAllInstances: true },
    ]);
    assert.deepEqual(sent(), ['DescribeInstanceStatus']);
  });

  it('status checks initializing, or the instance pending: not yet', async () => {
    ec2.on(DescribeInstanceStatusCommand).resolves(status('running', 'ok', 'initializing'));
    const initializing = await executor().verify(BY_ID, signal());
    assert.equal(initializing.kind, 'not-yet');
    assert.match(initializing.kind === 'not-yet' ? initializing.reason : '', /instance status initializing/);
    ec2.reset();
    ec2.on(DescribeInstanceStatusCommand).resolves(status('pending', 'not-applicable', 'not-applicable'));
    assert.equal((await executor().verify(BY_ID, signal())).kind, 'not-yet');
  });

  it('impaired or terminated: failed', async () => {
    ec2.on(DescribeInstanceStatusCommand).resolves(status('running', 'impaired', 'ok'));
    const impaired = await executor().verify(BY_ID, signal());
    assert.equal(impaired.kind, 'failed');
    assert.match(impaired.kind === 'failed' ? impaired.reason : '', /impaired \(system status impaired/);
    ec2.reset();
    ec2.on(DescribeInstanceStatusCommand).resolves(status('terminated', 'not-applicable', 'not-applicable'));
    assert.equal((await executor().verify(BY_ID, signal())).kind, 'failed');
  });

  it('throttled: not yet; unauthorized: failed', async () => {
    ec2.on(DescribeInstanceStatusCommand).rejects(awsError('RequestLimitExceeded', 503, 'req-1'));
    assert.equal((await executor().verify(BY_ID, signal())).kind, 'not-yet');
    ec2.reset();
    ec2.on(DescribeInstanceStatusCommand).rejects(awsError('UnauthorizedOperation', 403, 'req-2'));
    const denied = await executor().verify(BY_ID, signal());
    assert.equal(denied.kind, 'failed');
    assert.match(denied.kind === 'failed' ? denied.reason : '', /ec2:DescribeInstanceStatus/);
  });

  it('without an instance id: finds the tagged instance first', async () => {
    ec2.on(DescribeInstancesCommand).resolves(described('req-1', instance('running')));
    ec2.on(DescribeInstanceStatusCommand).resolves(status('running', 'ok', 'ok'));
    const outcome = await executor().verify(BY_IP, signal());
    assert.equal(outcome.kind, 'verified');
    assert.deepEqual(outcome.kind === 'verified' && outcome.facts.requestIds, ['req-1', 'req-status']);
    assert.deepEqual(inputs(DescribeInstancesCommand), [
      { Filters: [{ Name: 'private-ip-address', Values: ['10.0.12.7'] }, ...TAG_FILTERS] },
    ]);
  });
});

describe('outcomeOfEc2Error', () => {
  it('maps the error codes', () => {
    const table: ReadonlyArray<readonly [unknown, string, boolean]> = [
      [awsError('RequestLimitExceeded', 503, 'r'), 'failed', true],
      [awsError('Throttling', 400, 'r'), 'failed', true],
      [awsError('UnauthorizedOperation', 403, 'r'), 'unauthorized', false],
      [awsError('IncorrectInstanceState', 400, 'r'), 'failed', true],
      [awsError('InvalidInstanceID.Malformed', 400, 'r'), 'failed', false],
      [awsError('AuthFailure', 401, 'r'), 'failed', false],
      [awsError('InternalError', 500, 'r'), 'failed', true],
      [awsError('SomethingNew', 400, 'r'), 'failed', false],
      [Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' }), 'failed', true],
      [Object.assign(new Error('aborted'), { name: 'AbortError' }), 'failed', true],
    ];
    for (const [error, kind, retryable] of table) {
      const outcome = outcomeOfEc2Error(error, 'RebootInstances', `instance ${ID}`);
      assert.equal(outcome.kind, kind, String(error));
      assert.equal(outcome.kind === 'failed' && outcome.retryable, retryable, String(error));
    }
  });
});
