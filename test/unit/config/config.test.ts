import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import YAML from 'yaml';
import {
  CONFIG_ENV_VAR,
  ConfigError,
  findConfigFile,
  loadConfig,
  loadConfigFromEnvironment,
  MAX_CONFIG_BYTES,
  type MonitorConfig,
  monitorConfigJsonSchema,
  parseConfig,
  parseConfigText,
  resolveSecret,
  secretReference,
} from '../../../shared/config/index.ts';
import { MAX_LISTED_ISSUES, parseConfigDocument } from '../../../shared/config/load.ts';

const CONNECT = 'expected host:port[,host:port...]';
const EXAMPLE = new URL('../../../examples/dremio-ha-monitor.yaml', import.meta.url);
const SCHEMA_FILE = new URL('../../../config.schema.json', import.meta.url);

type Json = Record<string, unknown>;

function cluster(overrides: Json = {}): Json {
  return {
    name: 'prod',
    zookeeper: { connect: 'zk1:2181,zk2:2181,zk3:2181' },
    coordinators: [{ address: 'coord-a.corp', role: 'master-candidate' }],
    ...overrides,
  };
}

function config(...clusters: Json[]): Json {
  return { clusters: clusters.length > 0 ? clusters : [cluster()] };
}

/** Runs `fn`, asserts it throws a ConfigError, and returns it. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigError, nothing was thrown');
}

async function configErrorAsync(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigError, nothing was thrown');
}

function issuesOf(error: ConfigError): string[] {
  return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

/** The single issue of parsing `value`, as `path: message`. */
function onlyIssue(value: unknown): string {
  const issues = issuesOf(configError(() => parseConfig(value, 'test')));
  assert.equal(issues.length, 1, issues.join('\n'));
  return issues[0] as string;
}

describe('parseConfig: defaults', () => {
  it('applies every default', () => {
    assert.deepEqual(parseConfig(config(), 'test'), {
      clusters: [
        {
          name: 'prod',
          zookeeper: {
            connect: 'zk1:2181,zk2:2181,zk3:2181',
            clusterId: 'dremio',
            root: '',
            connectTimeoutMs: 3000,
            operationTimeoutMs: 2000,
            fourLetterWordTimeoutMs: 1000,
            sessionTimeoutMs: 90000,
          },
          coordinators: [
            { address: 'coord-a.corp', webUrl: 'http://coord-a.corp:9047', role: 'master-candidate' },
          ],
          http: { timeoutMs: 2000, connectTimeoutMs: 1000, probeIntervalMs: 1000 },
          executors: { minimum: 0 },
          detection: {},
          routes: [],
          remediation: { enabled: false, dryRun: false, executor: 'ec2', method: 'stop-start', ec2: {} },
        },
      ],
      probe: { concurrency: 8 },
      delivery: { maxAgeMs: 86_400_000, backoffBaseMs: 2000, backoffMaxMs: 300_000 },
      channels: {},
    });
  });

  it('keeps what the file gives', () => {
    const given = {
      clusters: [
        {
          name: 'blue_1.x',
          zookeeper: {
            connect: '10.0.0.1:2181',
            clusterId: 'analytics',
            root: 'tenants/blue',
            connectTimeoutMs: 100,
            operationTimeoutMs: 60000,
            fourLetterWordTimeoutMs: 500,
            sessionTimeoutMs: 600000,
          },
          coordinators: [
            {
              address: '10.0.0.7',
              webUrl: 'https://dremio.corp:9443',
              role: 'coordinator',
              instanceId: 'i-0abc1234def567890',
            },
          ],
          http: { timeoutMs: 50, connectTimeoutMs: 60000, probeIntervalMs: 250, caFile: 'ca.pem' },
          executors: { minimum: 3 },
          detection: { masterRefusedMs: 2000, coordinatorDownMs: 0 },
          routes: [],
          runbookUrl: 'https://wiki.corp/runbooks/dremio?tab=failover#steps',
          remediation: {
            enabled: true,
            dryRun: true,
            executor: 'ec2',
            method: 'reboot',
            settleMs: 0,
            cooldownMs: 60_000,
            dailyCap: 100,
            actionTimeoutMs: 840_000,
            maxSnapshotAgeMs: 1000,
            ec2: { region: 'us-east-1', clusterTag: 'blue' },
          },
        },
      ],
      probe: { concurrency: 256 },
      delivery: { maxAgeMs: 86_400_000, backoffBaseMs: 2000, backoffMaxMs: 300_000 },
      channels: {},
      aws: {
        stackName: 'dremio-ha-monitor-blue',
        account: '123456789012',
        region: 'us-east-1',
        vpc: {
          vpcId: 'vpc-0abc1234',
          subnetIds: ['subnet-0abc1234'],
          securityGroupIds: ['sg-0abc1234'],
          routeTableIds: ['rtb-0abc1234'],
          endpoints: true,
        },
        mode: 'watch',
        scheduleMinutes: 5,
        watchMs: 280_000,
        intervalMs: 1000,
        configParameter: '/dremio/blue/config',
        tableName: 'dremio-blue',
        alarmEmails: ['oncall@corp.example'],
        metrics: 'full',
        monitorMemoryMb: 256,
        remediateMemoryMb: 512,
      },
    };
    assert.deepEqual(parseConfig(given, 'test'), given);
  });

  const webUrls: Array<[string, Json, string]> = [
    ['a hostname', { address: 'coord-a.corp' }, 'http://coord-a.corp:9047'],
    ['an IPv4 address', { address: '10.1.2.3' }, 'http://10.1.2.3:9047'],
    ['an IPv6 address, in brackets', { address: 'fd00::7' }, 'http://[fd00::7]:9047'],
    [
      'a given URL, as its origin',
      { address: 'a', webUrl: 'HTTPS://Coord-A.corp:9443/' },
      'https://coord-a.corp:9443',
    ],
    ['a given URL with the default port', { address: 'a', webUrl: 'http://a:80' }, 'http://a'],
  ];
  for (const [what, coordinator, webUrl] of webUrls) {
    it(`gives every coordinator a webUrl: ${what}`, () => {
      const parsed = parseConfig(
        config(cluster({ coordinators: [{ role: 'coordinator', ...coordinator }] })),
        't',
      );
      assert.equal(parsed.clusters[0]?.coordinators[0]?.webUrl, webUrl);
    });
  }

  it('drops the slashes around root and accepts "/" as no root', () => {
    for (const [root, expected] of [
      ['/tenants/blue/', 'tenants/blue'],
      ['/', ''],
      ['a', 'a'],
    ]) {
      const parsed = parseConfig(config(cluster({ zookeeper: { connect: 'zk:2181', root } })), 't');
      assert.equal(parsed.clusters[0]?.zookeeper.root, expected);
    }
  });

  it('accepts and drops "$schema", for editors', () => {
    const parsed = parseConfig({ $schema: './config.schema.json', ...config() }, 't');
    assert.equal('$schema' in parsed, false);
  });
});

describe('parseConfig: errors', () => {
  it('words a bad connect string at clusters[1] exactly', () => {
    const error = configError(() =>
      parseConfig(
        config(cluster(), cluster({ name: 'dr', zookeeper: { connect: 'zk1:2181/dremio' } })),
        'prod.yaml',
      ),
    );
    assert.equal(error.message, `prod.yaml: clusters[1].zookeeper.connect: ${CONNECT}`);
    assert.deepEqual(error.issues, [{ path: 'clusters[1].zookeeper.connect', message: CONNECT }]);
    assert.equal(error.source, 'prod.yaml');
    assert.equal(error.name, 'ConfigError');
  });

  const badDeployment: Array<[string, Json, string]> = [
    [
      'a remediation method',
      config(cluster({ remediation: { method: 'restart' } })),
      'clusters[0].remediation.method: expected "stop-start" or "reboot", got a string',
    ],
    [
      'a daily cap of 0, which would block every action silently',
      config(cluster({ remediation: { dailyCap: 0 } })),
      'clusters[0].remediation.dailyCap: expected an integer from 1 to 100, got 0',
    ],
    [
      'an action timeout beyond what a Lambda function can wait',
      config(cluster({ remediation: { actionTimeoutMs: 900_000 } })),
      'clusters[0].remediation.actionTimeoutMs: expected an integer from 10000 to 840000, got 900000',
    ],
    [
      'a VPC without subnets',
      { ...config(cluster()), aws: { vpc: { vpcId: 'vpc-0abc1234', subnetIds: [] } } },
      'aws.vpc.subnetIds: at least one subnet is required',
    ],
    [
      'a subnet id',
      { ...config(cluster()), aws: { vpc: { vpcId: 'vpc-0abc1234', subnetIds: ['subnet-xyz'] } } },
      'aws.vpc.subnetIds[0]: expected a subnet id like subnet-0abc1234',
    ],
    [
      'a retired key, named with what replaced it: tickMs',
      { ...config(cluster()), aws: { tickMs: 5000 } },
      'aws.tickMs: no longer a key: renamed intervalMs, the full observation interval in watch mode',
    ],
    [
      'a retired key, named with what replaced it: unresponsiveProbes',
      config(cluster({ detection: { unresponsiveProbes: 3 } })),
      'clusters[0].detection.unresponsiveProbes: no longer a key: replaced by masterRefusedMs and noAnswerMs, durations in milliseconds',
    ],
    [
      'a retired key, named with what replaced it: coordinatorDownProbes',
      config(cluster({ detection: { coordinatorDownProbes: 3 } })),
      'clusters[0].detection.coordinatorDownProbes: no longer a key: replaced by coordinatorDownMs, a duration in milliseconds',
    ],
    [
      'a mode',
      { ...config(cluster()), aws: { mode: 'stream' } },
      'aws.mode: expected "poll" or "watch", got a string',
    ],
    [
      'a metric set it does not know',
      { ...config(cluster()), aws: { metrics: 'some' } },
      'aws.metrics: expected "minimal" or "full", got a string',
    ],
    [
      "a function memory under Lambda's 128 MB",
      { ...config(cluster()), aws: { monitorMemoryMb: 64 } },
      'aws.monitorMemoryMb: expected an integer from 128 to 10240, got 64',
    ],
  ];
  for (const [what, document, expected] of badDeployment) {
    it(`names the path of ${what}`, () => {
      assert.deepEqual(issuesOf(configError(() => parseConfig(document, 't'))), [expected]);
    });
  }

  const badConnects = [
    'zk1:2181/dremio',
    'zk1:2181, zk2:2181',
    'zk1',
    'zk1:',
    ':2181',
    'zk1:0',
    'zk1:65536',
    'zk1:02181',
    'zk1:2181,',
    ',zk1:2181',
    'zk1:2181,,zk2:2181',
    '',
    'zk1:2181;zk2:2181',
    '[::1]:2181',
    'zk_1:2181',
    '-zk:2181',
    'zk-:2181',
    'zk..corp:2181',
    '999.1.1.1:2181',
    '1.2.3:2181',
    'zk.123:2181',
    `${'a'.repeat(64)}:2181`,
    `${Array.from({ length: 64 }, () => 'abc').join('.')}:2181`,
    ' zk1:2181',
  ];
  for (const connect of badConnects) {
    it(`refuses the connect string ${JSON.stringify(connect)}`, () => {
      assert.equal(
        onlyIssue(config(cluster({ zookeeper: { connect } }))),
        `clusters[0].zookeeper.connect: ${CONNECT}`,
      );
    });
  }

  it('accepts connect strings of hostnames and IPv4 addresses', () => {
    for (const connect of [
      'zk:1',
      'zk:65535',
      'ZK-1.corp.example:2181,10.0.0.1:2181',
      '127.0.0.1:2181',
      'a1:2181',
    ]) {
      parseConfig(config(cluster({ zookeeper: { connect } })), 't');
    }
  });

  it('lists every issue, each with its path, one per line', () => {
    const error = configError(() =>
      parseConfig(
        {
          clusters: [
            cluster(),
            {
              name: 'bad name!',
              zookeeper: { connect: 'zk:2181/x', operationTimeoutMs: 99, clusterId: '..', root: 'a//b' },
              coordinators: [],
              http: { caFile: '' },
              runbookUrl: 'ftp://wiki',
            },
            cluster({
              name: 'third',
              coordinators: [
                { address: 'not a host', role: 'master', webUrl: 'http://a:9047/path', instanceId: 'i-xyz' },
                { role: 'coordinator' },
              ],
              executors: { minimum: -1 },
            }),
          ],
          probe: { concurrency: '8' },
        },
        'prod.yaml',
      ),
    );
    const expected = [
      'clusters[1].name: expected 1 to 63 of A-Z a-z 0-9 _ . -, starting with a letter or a digit',
      `clusters[1].zookeeper.connect: ${CONNECT}`,
      'clusters[1].zookeeper.clusterId: expected one znode name: not empty, no "/", not "." or ".."',
      'clusters[1].zookeeper.root: expected a znode path like "tenants/blue": no empty, "." or ".." segments',
      'clusters[1].zookeeper.operationTimeoutMs: expected an integer from 100 to 60000, got 99',
      'clusters[1].coordinators: at least one coordinator is required',
      'clusters[1].http.caFile: expected a file path, got an empty string',
      'clusters[1].runbookUrl: expected an http or https URL without credentials',
      'clusters[2].coordinators[0].address: expected a hostname or an IP address, as the node publishes it in ZooKeeper',
      'clusters[2].coordinators[0].webUrl: expected an http or https URL without path, query or credentials, like http://coord-a:9047',
      'clusters[2].coordinators[0].role: expected "master-candidate" or "coordinator", got a string',
      'clusters[2].coordinators[0].instanceId: expected an EC2 instance id like i-0abc1234def567890',
      'clusters[2].coordinators[1].address: required',
      'clusters[2].executors.minimum: expected an integer >= 0, got -1',
      'probe.concurrency: expected an integer from 1 to 256, got the string "8" (write numbers without quotes)',
    ];
    assert.deepEqual(issuesOf(error), expected);
    assert.equal(error.message, expected.map((line) => `prod.yaml: ${line}`).join('\n'));
  });

  it('names missing required keys', () => {
    const error = configError(() =>
      parseConfig({ clusters: [{ zookeeper: {}, coordinators: [{}] }, {}] }, 'test'),
    );
    assert.deepEqual(issuesOf(error), [
      'clusters[0].name: required',
      'clusters[0].zookeeper.connect: required',
      'clusters[0].coordinators[0].address: required',
      'clusters[0].coordinators[0].role: required',
      'clusters[1].name: required',
      'clusters[1].zookeeper: required',
      'clusters[1].coordinators: required',
    ]);
    assert.equal(onlyIssue({}), 'clusters: required');
    assert.equal(onlyIssue({ clusters: [] }), 'clusters: at least one cluster is required');
  });

  it('refuses duplicate cluster names and coordinator addresses, even next to other errors', () => {
    const twice = [
      { address: 'coord-a.corp', role: 'master-candidate' },
      { address: 'COORD-A.corp', role: 'coordinator' },
    ];
    const error = configError(() =>
      parseConfig(
        config(
          cluster(),
          cluster({ coordinators: twice }),
          cluster({ name: 'other', zookeeper: { connect: 'zk:2181', sessionTimeoutMs: 1.5 } }),
          cluster({ name: 'other' }),
        ),
        'test',
      ),
    );
    assert.deepEqual(issuesOf(error), [
      'clusters[2].zookeeper.sessionTimeoutMs: expected an integer from 2000 to 600000, got 1.5',
      'clusters[1].name: duplicate cluster name "prod"',
      'clusters[3].name: duplicate cluster name "other"',
      'clusters[1].coordinators[1].address: duplicate coordinator address "COORD-A.corp"',
    ]);
  });

  it('lists each duplicate once when nothing else is wrong', () => {
    const error = configError(() => parseConfig(config(cluster(), cluster()), 'prod.yaml'));
    assert.equal(error.message, 'prod.yaml: clusters[1].name: duplicate cluster name "prod"');
  });

  it('refuses unknown keys, one issue per key, at every level', () => {
    const error = configError(() =>
      parseConfig(
        {
          clusters: [
            cluster({
              zookeeper: { connect: 'zk:2181', conect: 'zk:2181' },
              coordinators: [{ address: 'a', role: 'coordinator', url: 'http://a' }],
              http: { timeout: 1 },
              executors: { min: 1 },
              runbook: 'x',
            }),
          ],
          probe: { concurency: 2 },
          notifiers: [],
          Clusters: [],
        },
        'test',
      ),
    );
    assert.deepEqual(issuesOf(error), [
      'clusters[0].zookeeper: unknown key "conect"',
      'clusters[0].coordinators[0]: unknown key "url"',
      'clusters[0].http: unknown key "timeout"',
      'clusters[0].executors: unknown key "min"',
      'clusters[0]: unknown key "runbook"',
      'probe: unknown key "concurency"',
      '(root): unknown key "notifiers"',
      '(root): unknown key "Clusters"',
    ]);
  });

  const rejected: Array<[string, Json, string]> = [
    ['a name with a space', { name: 'a b' }, 'clusters[0].name: expected 1 to 63'],
    ['a name of 64 characters', { name: 'a'.repeat(64) }, 'clusters[0].name: expected 1 to 63'],
    ['a name starting with "-"', { name: '-a' }, 'clusters[0].name: expected 1 to 63'],
    ['a number as name', { name: 12 }, 'clusters[0].name: expected a string, got 12'],
    [
      'a cluster id with "/"',
      { zookeeper: { connect: 'z:1', clusterId: 'a/b' } },
      'clusterId: expected one znode',
    ],
    [
      'an empty cluster id',
      { zookeeper: { connect: 'z:1', clusterId: '' } },
      'clusterId: expected one znode',
    ],
    ['a "." root segment', { zookeeper: { connect: 'z:1', root: 'a/./b' } }, 'root: expected a znode path'],
    ['a "//" root', { zookeeper: { connect: 'z:1', root: '//' } }, 'root: expected a znode path'],
    [
      'a timeout below its range',
      { zookeeper: { connect: 'z:1', connectTimeoutMs: 99 } },
      'connectTimeoutMs: expected an integer from 100 to 60000, got 99',
    ],
    [
      'a timeout above its range',
      { zookeeper: { connect: 'z:1', fourLetterWordTimeoutMs: 60001 } },
      'fourLetterWordTimeoutMs: expected an integer from 100 to 60000, got 60001',
    ],
    [
      'a session timeout below its range',
      { zookeeper: { connect: 'z:1', sessionTimeoutMs: 1999 } },
      'sessionTimeoutMs: expected an integer from 2000 to 600000, got 1999',
    ],
    [
      'a number as a string',
      { zookeeper: { connect: 'z:1', connectTimeoutMs: '3000' } },
      'connectTimeoutMs: expected an integer from 100 to 60000, got the string "3000" (write numbers without quotes)',
    ],
    [
      'a boolean as a number',
      { http: { timeoutMs: true } },
      'http.timeoutMs: expected an integer from 50 to 60000, got true',
    ],
    ['a list as zookeeper', { zookeeper: ['z:1'] }, 'clusters[0].zookeeper: expected an object, got a list'],
    [
      'a string as coordinators',
      { coordinators: 'a' },
      'clusters[0].coordinators: expected a list, got a string',
    ],
    [
      'a webUrl with credentials',
      { coordinators: [{ address: 'a', role: 'coordinator', webUrl: 'http://user:pw@a:9047' }] },
      'webUrl: expected an http or https URL without path',
    ],
    [
      'a webUrl with a query',
      { coordinators: [{ address: 'a', role: 'coordinator', webUrl: 'http://a:9047/?x=1' }] },
      'webUrl: expected an http or https URL without path',
    ],
    [
      'a webUrl in ftp',
      { coordinators: [{ address: 'a', role: 'coordinator', webUrl: 'ftp://a' }] },
      'webUrl: expected an http or https URL without path',
    ],
    [
      'an instance id in capitals',
      { coordinators: [{ address: 'a', role: 'coordinator', instanceId: 'i-0ABC1234' }] },
      'instanceId: expected an EC2 instance id',
    ],
    [
      'a runbook URL with credentials',
      { runbookUrl: 'https://user:secret@wiki' },
      'clusters[0].runbookUrl: expected an http or https URL without credentials',
    ],
  ];
  for (const [what, overrides, expected] of rejected) {
    it(`refuses ${what}`, () => {
      const issue = onlyIssue(config(cluster(overrides)));
      assert.ok(issue.includes(expected), `${issue}\ndoes not include\n${expected}`);
    });
  }

  it('refuses a probe concurrency out of 1..256', () => {
    for (const concurrency of [0, 257, 2.5]) {
      assert.equal(
        onlyIssue({ ...config(), probe: { concurrency } }),
        `probe.concurrency: expected an integer from 1 to 256, got ${concurrency}`,
      );
    }
  });

  it('never echoes a string value from the file', () => {
    const secret = 'xoxb-super-secret-token';
    const error = configError(() =>
      parseConfig(
        config(
          cluster({
            name: secret,
            zookeeper: { connect: secret, clusterId: 7 },
            coordinators: [{ address: secret, role: secret, webUrl: `https://u:${secret}@a` }],
            runbookUrl: secret,
            http: { timeoutMs: secret },
          }),
        ),
        'test',
      ),
    );
    assert.ok(error.issues.length >= 6, error.message);
    assert.doesNotMatch(error.message, /super-secret/);
  });
});

describe('parseConfigText', () => {
  const yamlText =
    'clusters:\n  - name: prod\n    zookeeper: { connect: "zk:2181" }\n    coordinators:\n      - { address: a, role: coordinator }\n';
  const jsonText = JSON.stringify(config());

  it('reads YAML and JSON, by file name or by a leading "{"', () => {
    const fromYaml = parseConfigText(yamlText, 'config.yaml');
    assert.equal(fromYaml.clusters[0]?.coordinators[0]?.webUrl, 'http://a:9047');
    assert.deepEqual(parseConfigText(jsonText, 'config.json'), parseConfig(config(), 't'));
    assert.deepEqual(parseConfigText(`\n  ${jsonText}`, 'stdin'), parseConfig(config(), 't'));
    assert.deepEqual(parseConfigText(`\uFEFF${jsonText}`, 'config.JSON'), parseConfig(config(), 't'));
    assert.deepEqual(parseConfigText(`\uFEFF${yamlText}`, 'config.yml'), fromYaml);
  });

  const syntaxErrors: Array<[string, string, string, string]> = [
    [
      'YAML: a duplicate key',
      'a.yaml',
      'clusters: []\nprobe: {}\nclusters: []\n',
      'line 3, column 1: Map keys must be unique',
    ],
    [
      'YAML: a tab as indentation',
      'a.yaml',
      'clusters:\n\t- name: x\n',
      'line 2, column 1: Tabs are not allowed as indentation',
    ],
    [
      'YAML: an unclosed quote',
      'a.yaml',
      'clusters:\n  - name: "prod\n',
      'line 3, column 1: Missing closing "quote',
    ],
    [
      'YAML: two documents',
      'a.yaml',
      'clusters: []\n---\nclusters: []\n',
      'line 2, column 1: Source contains multiple documents',
    ],
    [
      'YAML: an unknown tag',
      'a.yaml',
      'clusters: !!js/function x\n',
      'line 1, column 11: Unresolved tag: tag:yaml.org,2002:js/function',
    ],
    // JSON is read as YAML 1.2: yaml's messages, with the line and column.
    [
      'JSON: a missing value',
      'a.json',
      '{\n  "clusters": [\n    }\n',
      'line 3, column 5: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'JSON: an empty list entry',
      'a.json',
      '{"clusters": [1,,2]}',
      'line 1, column 17: Unexpected , in flow sequence',
    ],
    [
      'JSON: a missing colon',
      'a.json',
      '{"clusters" []}',
      'line 1, column 13: Missing , or : between flow map items',
    ],
    [
      'JSON: a missing comma',
      'a.json',
      '{"clusters": []\n "probe": {}}',
      'line 2, column 2: Missing , between flow map items',
    ],
    [
      'JSON: an unclosed list',
      'a.json',
      '{"clusters": [1, 2',
      'line 1, column 19: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'JSON: a duplicate key',
      'a.json',
      '{"probe": {},\n "probe": {}}',
      'line 2, column 2: Map keys must be unique',
    ],
    [
      'JSON: a duplicate key written with an escape',
      'a.json',
      '{"probe": {}, "\\u0070robe": {}}',
      'line 1, column 15: Map keys must be unique',
    ],
    [
      'JSON: text after the document',
      'a.json',
      '{} {}',
      'line 1, column 4: Unexpected flow-map-start at node end',
    ],
    [
      'JSON: an extra closing brace',
      'a.json',
      '{"clusters": []}}',
      'line 1, column 17: Unexpected flow-map-end token in YAML stream',
    ],
    ['JSON: an unterminated string', 'a.json', '{"clusters', 'line 1, column 11: Missing closing "quote'],
    [
      'JSON: a bad escape',
      'a.json',
      '{"a\\x": 1}',
      'line 1, column 4: Invalid escape sequence in a double-quoted string',
    ],
  ];
  for (const [what, source, text, expected] of syntaxErrors) {
    it(`reports ${what} with its line and column`, () => {
      const error = configError(() => parseConfigText(text, source));
      // The first issue is the one that matters; yaml may add a consequence of it.
      assert.ok(
        issuesOf(error)[0]?.startsWith(expected),
        `${issuesOf(error)[0]}\ndoes not start with\n${expected}`,
      );
      for (const issue of error.issues) {
        assert.equal(issue.path, `line ${issue.line}, column ${issue.column}`);
      }
      for (const line of error.message.split('\n')) assert.ok(line.startsWith(`${source}: line `), line);
    });
  }

  // JSON is read as YAML 1.2, so a .json file may use what YAML adds to JSON and JSON.parse refuses:
  // the file format is "JSON or YAML". Each text reads as the strict JSON next to it.
  const lenientJson: Array<[string, string, string]> = [
    ['a trailing comma in an object', '{"clusters": [],\n}', '{"clusters": []}'],
    ['a trailing comma in a list', '{"clusters": [1, 2,]}', '{"clusters": [1, 2]}'],
    ['single quotes', "{'clusters': ['it''s']}", '{"clusters": ["it\'s"]}'],
    ['unquoted keys and strings', '{clusters: [prod]}', '{"clusters": ["prod"]}'],
    ['a leading zero', '{"a": 08}', '{"a": 8}'],
    ['a comment', '{"a": 1} # note\n', '{"a": 1}'],
    ['a raw tab in a string', '{"a": "x\ty"}', '{"a": "x\\ty"}'],
    ['a raw line break in a string, folded into a space', '{"a\nb": 1}', '{"a b": 1}'],
    ['a missing value, as null', '{"clusters": }', '{"clusters": null}'],
  ];
  for (const [what, text, strict] of lenientJson) {
    it(`reads JSON with ${what}, as YAML does`, () => {
      assert.deepEqual(parseConfigDocument(text, 'a.json'), JSON.parse(strict));
    });
  }

  it('still refuses a missing value, when the configuration is checked', () => {
    assert.equal(onlyIssueOfText('{"clusters": }', 'a.json'), 'clusters: expected a list, got null');
  });

  it('reads a JSON file written with every key of a config on one line', () => {
    const many = config(...Array.from({ length: 20 }, (_, index) => cluster({ name: `c${index}` })));
    assert.equal(parseConfigText(JSON.stringify(many), 'a.json').clusters.length, 20);
  });

  it('never echoes text from the file in a syntax error', () => {
    for (const [source, text] of [
      ['a.json', '{"a": 1} secret-token'],
      ['a.json', '{"a": 1}\n"secret-token"'],
      ['a.json', '{"a": 1}} "secret-token"'],
      ['a.json', '{"a": "\\usecret-token"}'],
      ['a.json', '{"a": "secret-token" "b"}'],
      ['a.yaml', 'a: |secret-token\n  x\n'],
      ['a.yaml', 'a: "secret-token\n'],
    ] as const) {
      const error = configError(() => parseConfigText(text, source));
      assert.match(error.message, /line \d+, column \d+: /);
      assert.doesNotMatch(error.message, /secret/, error.message);
    }
  });

  it('reads line ends of a lone CR, in JSON and in YAML', () => {
    const json = JSON.stringify(config(), null, 2).replaceAll('\n', '\r');
    assert.deepEqual(parseConfigText(json, 'a.json'), parseConfig(config(), 't'));
    assert.deepEqual(
      parseConfigText(yamlText.replaceAll('\n', '\r'), 'a.yaml'),
      parseConfigText(yamlText, 'a.yaml'),
    );
    const error = configError(() => parseConfigText('{\r"a": 1,\r"a": 2}', 'a.json'));
    assert.deepEqual(issuesOf(error), ['line 3, column 1: Map keys must be unique']);
  });

  it('validates a parsed text like parseConfig, with the source in every line', () => {
    const error = configError(() =>
      parseConfigText('clusters:\n  - name: prod\n    zookeeper: {conect: x}\n', 'p.yaml'),
    );
    assert.equal(
      error.message,
      [
        'p.yaml: clusters[0].zookeeper.connect: required',
        'p.yaml: clusters[0].zookeeper: unknown key "conect"',
        'p.yaml: clusters[0].coordinators: required',
      ].join('\n'),
    );
  });

  it('reads YAML 1.2: "yes" is a string, 0o14 is twelve', () => {
    const error = configError(() =>
      parseConfigText(
        'clusters:\n  - name: yes\n    zookeeper: {connect: "z:1", connectTimeoutMs: 0o14}\n',
        'a.yaml',
      ),
    );
    assert.deepEqual(issuesOf(error), [
      'clusters[0].zookeeper.connectTimeoutMs: expected an integer from 100 to 60000, got 12',
      'clusters[0].coordinators: required',
    ]);
  });
});

describe('hostile input', () => {
  it('refuses a YAML alias bomb', { timeout: 10_000 }, () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [name, previous] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
      ['g', 'f'],
      ['h', 'g'],
      ['i', 'h'],
    ]) {
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const error = configError(() => parseConfigText(lines.join('\n'), 'bomb.yaml'));
    assert.equal(error.issues.length, 1);
    assert.match(error.message, /^bomb\.yaml: \(root\): cannot read the YAML: Excessive alias count/);
  });

  it('accepts a few aliases, as YAML allows', () => {
    const text = [
      'x-zookeeper: &zk {connect: "zk:2181"}',
      'clusters:',
      '  - {name: a, zookeeper: *zk, coordinators: [{address: a, role: coordinator}]}',
    ].join('\n');
    // "x-zookeeper" is not a key of the file: the aliases resolve, then the key is refused.
    assert.deepEqual(issuesOf(configError(() => parseConfigText(text, 'a.yaml'))), [
      '(root): unknown key "x-zookeeper"',
    ]);
  });

  const protoTexts: Array<[string, string, string]> = [
    [
      'JSON',
      'a.json',
      '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "clusters": []}',
    ],
    ['YAML', 'a.yaml', '__proto__: {polluted: 1}\nconstructor: {prototype: {polluted: 1}}\nclusters: []\n'],
  ];
  for (const [format, source, text] of protoTexts) {
    it(`refuses __proto__ and constructor keys in ${format} without touching any prototype`, () => {
      const error = configError(() => parseConfigText(text, source));
      assert.deepEqual(issuesOf(error), [
        'clusters: at least one cluster is required',
        '(root): unknown key "__proto__"',
        '(root): unknown key "constructor"',
      ]);
      assert.equal(({} as Json).polluted, undefined);
      assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
    });
  }

  it('refuses __proto__ inside a cluster and keeps its prototype plain', () => {
    const text = JSON.stringify(config()).replace(
      '"name":"prod"',
      '"name":"prod","__proto__":{"polluted":1}',
    );
    assert.equal(onlyIssueOfText(text, 'a.json'), 'clusters[0]: unknown key "__proto__"');
    assert.equal(({} as Json).polluted, undefined);
  });

  const deep: Array<[string, string, () => string]> = [
    ['JSON arrays', 'a.json', () => `{"clusters": ${'['.repeat(500_000)}`],
    ['JSON objects', 'a.json', () => '{"a": '.repeat(150_000)],
    ['YAML flow sequences', 'a.yaml', () => '['.repeat(1_000_000)],
    ['YAML flow mappings', 'a.yaml', () => `x: ${'{a: '.repeat(250_000)}`],
    [
      'YAML block mappings',
      'a.yaml',
      () => Array.from({ length: 1400 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'),
    ],
    ['YAML compact sequences', 'a.yaml', () => '- '.repeat(500_000)],
  ];
  for (const [what, source, text] of deep) {
    it(`refuses deeply nested ${what} quickly`, { timeout: 10_000 }, () => {
      const error = configError(() => parseConfigText(text(), source));
      assert.equal(error.issues.length, 1);
      assert.match(error.issues[0]?.message ?? '', /^nested more than 64 levels deep$/);
      assert.match(error.issues[0]?.path ?? '', /^line \d+, column \d+$/);
    });
  }

  it('accepts JSON nested 64 levels deep, on one line or pretty-printed, and refuses 65', () => {
    const nested = (depth: number, inner: unknown): unknown =>
      depth === 0 ? inner : nested(depth - 1, depth % 2 === 0 ? [inner] : { a: inner });
    for (const space of [undefined, 2]) {
      const ok = JSON.stringify(nested(64, 1), null, space);
      assert.deepEqual(parseConfigDocument(ok, 'a.json'), JSON.parse(ok));
      const error = configError(() =>
        parseConfigDocument(JSON.stringify(nested(65, 1), null, space), 'a.json'),
      );
      assert.deepEqual(
        error.issues.map((issue) => issue.message),
        ['nested more than 64 levels deep'],
      );
    }
  });

  it('lists the first syntax errors of a file full of them, quickly', { timeout: 10_000 }, () => {
    for (const text of [`{"clusters": [${','.repeat(100_000)}]}`, `{"clusters": []}${'}'.repeat(100_000)}`]) {
      const error = configError(() => parseConfigText(text, 'a.json'));
      assert.equal(error.issues.length, MAX_LISTED_ISSUES);
      assert.match(error.issues.at(-1)?.message ?? '', /^\d+ more syntax errors$/);
      assert.equal(error.message.split('\n').length, MAX_LISTED_ISSUES);
    }
  });

  it('checks the keys of a large map for duplicates quickly', { timeout: 10_000 }, () => {
    const keys = Array.from({ length: 60_000 }, (_, index) => `"k${index}": 0`);
    const error = configError(() => parseConfigText(`{${keys.join(',')}, "k7": 1}`, 'a.json'));
    assert.deepEqual(issuesOf(error), [
      `line 1, column ${keys.join(',').length + 4}: Map keys must be unique`,
    ]);
  });

  it('refuses keys that become the same property name', () => {
    assert.equal(onlyIssueOfText('1: a\n"1": b\n', 'a.yaml'), 'line 2, column 1: Map keys must be unique');
  });

  it('refuses a text over 1 MiB', () => {
    const text = `clusters: []\n# ${'x'.repeat(2 * MAX_CONFIG_BYTES)}\n`;
    const error = configError(() => parseConfigText(text, 'big.yaml'));
    assert.match(
      error.message,
      /^big\.yaml: \(file\): the file is \d+ bytes; a configuration file is at most 1048576 bytes/,
    );
  });

  const notObjects: Array<[string, string, string]> = [
    ['a list', '- a\n- b\n', 'a list'],
    ['a string', 'hello\n', 'a string'],
    ['a number', '42\n', '42'],
    ['null', 'null\n', 'null'],
    ['true', 'true\n', 'true'],
    ['a JSON list', '[1, 2]', 'a list'],
  ];
  for (const [what, text, got] of notObjects) {
    it(`refuses ${what} at the top level`, () => {
      assert.equal(
        onlyIssueOfText(text, what.startsWith('a JSON') ? 'a.json' : 'a.yaml'),
        `(root): expected an object with a "clusters" list, got ${got}`,
      );
    });
  }

  for (const [what, text, source] of [
    ['an empty file', '', 'a.yaml'],
    ['an empty JSON file', '', 'a.json'],
    ['a file of blanks', ' \n\t\n', 'a.json'],
    ['a YAML file of comments', '# nothing here\n\n# still nothing\n', 'a.yaml'],
    ['a YAML file with only "---"', '---\n', 'a.yaml'],
  ]) {
    it(`refuses ${what}`, () => {
      assert.equal(
        onlyIssueOfText(text as string, source as string),
        '(root): the file is empty; expected an object with a "clusters" list',
      );
    });
  }

  it('stops listing issues after MAX_LISTED_ISSUES lines, keeping all in issues', () => {
    const clusters = Array.from({ length: 150 }, (_, index) => cluster({ name: `c${index}`, zookeeper: {} }));
    const error = configError(() => parseConfig({ clusters }, 'many.yaml'));
    assert.equal(error.issues.length, 150);
    const lines = error.message.split('\n');
    assert.equal(lines.length, MAX_LISTED_ISSUES + 1);
    assert.equal(lines.at(-1), 'many.yaml: (root): 50 more issues not listed');
  });

  it('throws nothing but ConfigError for any text', { timeout: 60_000 }, () => {
    const validYaml = YAML.stringify(parseConfig(config(), 't'));
    const mutatedYaml = fc
      .tuple(fc.nat({ max: validYaml.length }), fc.nat({ max: 20 }), fc.string({ maxLength: 5 }))
      .map(([at, removed, inserted]) => validYaml.slice(0, at) + inserted + validYaml.slice(at + removed));
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json(), mutatedYaml),
        fc.constantFrom('a.yaml', 'a.json'),
        (text, source) => {
          try {
            parseConfigText(text, source);
          } catch (error) {
            assert.ok(error instanceof ConfigError, String(error));
            for (const line of error.message.split('\n')) assert.ok(line.startsWith(`${source}: `), line);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('throws nothing but ConfigError for any value', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true }), (value) => {
        try {
          parseConfig(value, 'v');
        } catch (error) {
          assert.ok(error instanceof ConfigError, String(error));
        }
      }),
      { numRuns: 300 },
    );
  });
});

function onlyIssueOfText(text: string, source: string): string {
  const issues = issuesOf(configError(() => parseConfigText(text, source)));
  assert.equal(issues.length, 1, issues.join('\n'));
  return issues[0] as string;
}

describe('loadConfig', () => {
  let directory = '';
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dremio-ha-monitor-config-'));
  });
  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('loads the example, which uses every key', async () => {
    const loaded = await loadConfig(EXAMPLE.pathname);
    assert.deepEqual(
      loaded.clusters.map((entry) => entry.name),
      ['prod', 'analytics-blue'],
    );
    assert.equal(loaded.clusters[1]?.coordinators[0]?.webUrl, 'http://10.0.12.7:9047');
    assert.equal(loaded.clusters[1]?.zookeeper.root, 'tenants/blue');
  });

  it('reads JSON files and makes a relative caFile relative to the file', async () => {
    await mkdir(join(directory, 'etc'), { recursive: true });
    const path = join(directory, 'etc', 'monitor.json');
    await writeFile(path, JSON.stringify(config(cluster({ http: { caFile: 'certs/ca.pem' } }))));
    const loaded = await loadConfig(path);
    assert.equal(loaded.clusters[0]?.http.caFile, join(directory, 'etc', 'certs', 'ca.pem'));
  });

  it('keeps an absolute caFile', async () => {
    const path = join(directory, 'absolute.yaml');
    await writeFile(path, YAML.stringify(config(cluster({ http: { caFile: '/etc/ssl/ca.pem' } }))));
    assert.equal((await loadConfig(path)).clusters[0]?.http.caFile, '/etc/ssl/ca.pem');
  });

  it('refuses a missing file and a directory', async () => {
    const missing = join(directory, 'missing.yaml');
    assert.equal((await configErrorAsync(loadConfig(missing))).message, `${missing}: (file): file not found`);
    assert.equal(
      (await configErrorAsync(loadConfig(directory))).message,
      `${directory}: (file): is a directory, not a file`,
    );
  });

  it('refuses a 2 MiB file without parsing it', async () => {
    const path = join(directory, 'big.yaml');
    await writeFile(path, Buffer.alloc(2 * MAX_CONFIG_BYTES, 0x61));
    const error = await configErrorAsync(loadConfig(path));
    assert.equal(
      error.message,
      `${path}: (file): the file is ${2 * MAX_CONFIG_BYTES} bytes; a configuration file is at most ${MAX_CONFIG_BYTES} bytes (1 MiB)`,
    );
  });

  it('reads an endless device only up to the limit', {
    skip: !existsSync('/dev/zero'),
    timeout: 10_000,
  }, async () => {
    const error = await configErrorAsync(loadConfig('/dev/zero'));
    assert.match(error.message, /^\/dev\/zero: \(file\): the file is 1048577 bytes; /);
  });

  it('refuses bytes that are not UTF-8, with their position', async () => {
    const path = join(directory, 'latin1.yaml');
    await writeFile(
      path,
      Buffer.concat([Buffer.from('clusters:\n  - name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    );
    const error = await configErrorAsync(loadConfig(path));
    assert.equal(
      error.message,
      `${path}: line 2, column 14: not UTF-8 text: a configuration file must be UTF-8`,
    );
    assert.deepEqual(
      { line: error.issues[0]?.line, column: error.issues[0]?.column },
      { line: 2, column: 14 },
    );
  });

  it('reports an empty file', async () => {
    const path = join(directory, 'empty.yaml');
    await writeFile(path, '');
    const error = await configErrorAsync(loadConfig(path));
    assert.equal(
      error.message,
      `${path}: (root): the file is empty; expected an object with a "clusters" list`,
    );
  });
});

describe('finding the configuration file', () => {
  let directory = '';
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dremio-ha-monitor-find-'));
  });
  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('takes --config, then the environment variable, then ./dremio-ha-monitor.yaml, then .json', async () => {
    const env = { [CONFIG_ENV_VAR]: '/from/env.yaml' };
    assert.deepEqual(await findConfigFile('/from/option.yaml', { env, cwd: directory }), {
      path: '/from/option.yaml',
      origin: 'option',
    });
    assert.deepEqual(await findConfigFile(undefined, { env, cwd: directory }), {
      path: '/from/env.yaml',
      origin: 'environment',
    });
    await assert.rejects(findConfigFile(undefined, { env: {}, cwd: directory }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(
        error.message,
        /no configuration file: pass --config <file>, set DREMIO_HA_MONITOR_CONFIG/,
      );
      return true;
    });
    await writeFile(join(directory, 'dremio-ha-monitor.json'), JSON.stringify(config()));
    assert.deepEqual(await findConfigFile(undefined, { env: { [CONFIG_ENV_VAR]: '' }, cwd: directory }), {
      path: join(directory, 'dremio-ha-monitor.json'),
      origin: 'default',
    });
    await writeFile(
      join(directory, 'dremio-ha-monitor.yaml'),
      YAML.stringify(config(cluster({ name: 'yaml' }))),
    );
    assert.deepEqual(await findConfigFile(undefined, { env: {}, cwd: directory }), {
      path: join(directory, 'dremio-ha-monitor.yaml'),
      origin: 'default',
    });
    const loaded = await loadConfigFromEnvironment(undefined, { env: {}, cwd: directory });
    assert.equal(loaded.clusters[0]?.name, 'yaml');
  });

  it('says where a missing file was named', async () => {
    const missing = join(directory, 'nope.yaml');
    const error = await configErrorAsync(
      loadConfigFromEnvironment(undefined, { env: { [CONFIG_ENV_VAR]: missing } }),
    );
    assert.equal(error.message, `${missing}: (file): file not found (given by ${CONFIG_ENV_VAR})`);
    const fromOption = await configErrorAsync(loadConfigFromEnvironment(missing, { env: {} }));
    assert.equal(fromOption.message, `${missing}: (file): file not found (given by --config)`);
  });
});

describe('secrets', () => {
  const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:dremio/slack-AbCdEf';

  it('accepts an environment variable or a Secrets Manager ARN', () => {
    assert.deepEqual(secretReference.parse({ env: 'SLACK_WEBHOOK_URL' }), { env: 'SLACK_WEBHOOK_URL' });
    assert.deepEqual(secretReference.parse({ secretsManagerArn: arn }), { secretsManagerArn: arn });
    secretReference.parse({
      secretsManagerArn: arn.replace('arn:aws:', 'arn:aws-us-gov:').replace('eu-west-1', 'us-gov-west-1'),
    });
  });

  const refused: Array<[string, unknown, string]> = [
    [
      'an inline secret',
      'https://hooks.slack.com/services/T0/B0/secret',
      'secrets are never written in the file',
    ],
    ['both forms at once', { env: 'A', secretsManagerArn: arn }, 'secrets are never written in the file'],
    ['an empty object', {}, 'secrets are never written in the file'],
    ['a lower-case variable', { env: 'slack' }, 'expected an environment variable name'],
    ['a variable starting with a digit', { env: '1A' }, 'expected an environment variable name'],
    [
      'an ARN of another service',
      { secretsManagerArn: arn.replace('secretsmanager', 'ssm') },
      'expected arn:aws:secretsmanager:',
    ],
    [
      'an ARN without account',
      { secretsManagerArn: 'arn:aws:secretsmanager:eu-west-1::secret:x' },
      'expected arn:aws:secretsmanager:',
    ],
  ];
  for (const [what, value, expected] of refused) {
    it(`refuses ${what} as a secret reference`, () => {
      const result = secretReference.safeParse(value);
      assert.equal(result.success, false);
      const messages = result.error?.issues.map((issue) => issue.message).join('\n') ?? '';
      assert.ok(messages.includes(expected), messages);
      assert.doesNotMatch(messages, /hooks\.slack\.com/);
    });
  }

  it('reads an environment variable', async () => {
    assert.equal(
      await resolveSecret({ env: 'SLACK_WEBHOOK_URL' }, { env: { SLACK_WEBHOOK_URL: 'https://hook' } }),
      'https://hook',
    );
  });

  it('names an unset or empty variable and prints no value', async () => {
    const env = { OTHER: 'sentinel-value-1', SLACK_WEBHOOK_URL: '' };
    for (const name of ['SLACK_WEBHOOK_URL', 'MISSING_VAR']) {
      await assert.rejects(resolveSecret({ env: name }, { env }), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(
          error.message,
          `environment: ${name}: the environment variable ${name} is not set or empty`,
        );
        assert.doesNotMatch(error.message, /sentinel/);
        return true;
      });
    }
  });

  it('reads Secrets Manager only through the injected function', async () => {
    const asked: string[] = [];
    const getSecret = async (requested: string) => {
      asked.push(requested);
      return 'the-secret-value';
    };
    assert.equal(await resolveSecret({ secretsManagerArn: arn }, { env: {}, getSecret }), 'the-secret-value');
    assert.deepEqual(asked, [arn]);
  });

  it('names the ARN when Secrets Manager fails, keeping the cause', async () => {
    const cause = new Error('AccessDeniedException: not allowed');
    await assert.rejects(
      resolveSecret({ secretsManagerArn: arn }, { getSecret: () => Promise.reject(cause) }),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(error.message, `cannot read the secret ${arn}: AccessDeniedException: not allowed`);
        assert.equal(error.cause, cause);
        return true;
      },
    );
    await assert.rejects(resolveSecret({ secretsManagerArn: arn }), /no Secrets Manager reader was given/);
    await assert.rejects(
      resolveSecret({ secretsManagerArn: arn }, { getSecret: async () => '' }),
      ConfigError,
    );
  });
});

describe('config.schema.json', () => {
  it('is the committed output of scripts/write-json-schemas.ts', () => {
    const committed = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
    assert.deepEqual(
      committed,
      JSON.parse(JSON.stringify(monitorConfigJsonSchema())),
      'config.schema.json is out of date: run node --import tsx scripts/write-json-schemas.ts',
    );
  });

  it('describes every key, and the example uses every key', async () => {
    const example = await readFile(EXAMPLE, 'utf8');
    const missing: string[] = [];
    const visit = (schema: Json, path: string) => {
      const properties = (schema.properties ?? (schema.items as Json | undefined)?.properties) as
        | Json
        | undefined;
      for (const [key, child] of Object.entries(properties ?? {})) {
        const description = (child as Json).description;
        assert.equal(typeof description, 'string', `${path}${key} has no description`);
        // A retired key stays in the schema only so that editors say what replaced it.
        const retired = String(description).startsWith('Retired:');
        if (key !== '$schema' && !retired && !example.includes(`${key}:`)) missing.push(`${path}${key}`);
        visit(child as Json, `${path}${key}.`);
      }
    };
    visit(monitorConfigJsonSchema() as Json, '');
    assert.deepEqual(missing, []);
  });

  it('is the example docs/configuration.md shows', async () => {
    const doc = await readFile(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    const start = doc.indexOf('```yaml\n', doc.indexOf('\n## Example\n')) + '```yaml\n'.length;
    const shown = doc.slice(start, doc.indexOf('```\n', start));
    assert.equal(shown, await readFile(EXAMPLE, 'utf8'), 'docs/configuration.md "## Example" is out of date');
  });
});

// ---------------------------------------------------------------------------------------------------
// Properties

const host = fc.oneof(fc.domain(), fc.ipV4());
const port = fc.integer({ min: 1, max: 65535 });
const connectString = fc
  .array(
    fc.tuple(host, port).map(([name, number]) => `${name}:${number}`),
    { minLength: 1, maxLength: 6 },
  )
  .map((entries) => entries.join(','));
const milliseconds = (min: number, max: number) => fc.integer({ min, max });

const coordinatorInput = fc.record(
  {
    address: host,
    role: fc.constantFrom('master-candidate', 'coordinator'),
    webUrl: fc
      .tuple(fc.constantFrom('http', 'https'), host, port)
      .map(([scheme, name, number]) => `${scheme}://${name}:${number}`),
    instanceId: fc.stringMatching(/^i-[0-9a-f]{8,17}$/),
  },
  { requiredKeys: ['address', 'role'] },
);

const clusterInput = fc.record(
  {
    name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/),
    zookeeper: fc.record(
      {
        connect: connectString,
        clusterId: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
        root: fc
          .array(fc.stringMatching(/^[a-z0-9-]{1,8}$/), { maxLength: 3 })
          .map((parts) => parts.join('/')),
        connectTimeoutMs: milliseconds(100, 60_000),
        operationTimeoutMs: milliseconds(100, 60_000),
        fourLetterWordTimeoutMs: milliseconds(100, 60_000),
        sessionTimeoutMs: milliseconds(2000, 600_000),
      },
      { requiredKeys: ['connect'] },
    ),
    coordinators: fc.uniqueArray(coordinatorInput, {
      minLength: 1,
      maxLength: 4,
      selector: (coordinator) => coordinator.address.toLowerCase(),
    }),
    http: fc.record(
      {
        timeoutMs: milliseconds(50, 60_000),
        connectTimeoutMs: milliseconds(50, 60_000),
        caFile: fc.constantFrom('/etc/ssl/ca.pem', '/opt/ca bundle.pem'),
      },
      { requiredKeys: [] },
    ),
    executors: fc.record({ minimum: fc.nat({ max: 1000 }) }, { requiredKeys: [] }),
    runbookUrl: fc.webUrl({ withQueryParameters: true, withFragments: true }),
  },
  { requiredKeys: ['name', 'zookeeper', 'coordinators'] },
);

const configInput = fc.record(
  {
    clusters: fc.uniqueArray(clusterInput, { minLength: 1, maxLength: 3, selector: (entry) => entry.name }),
    probe: fc.record({ concurrency: fc.integer({ min: 1, max: 256 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['clusters'] },
);

describe('properties', () => {
  it('accepts any valid configuration, and it round-trips through JSON and YAML text', () => {
    fc.assert(
      fc.property(configInput, (input) => {
        const parsed: MonitorConfig = parseConfig(input, 'generated');
        assert.deepEqual(parseConfigText(JSON.stringify(input), 'generated.json'), parsed);
        assert.deepEqual(parseConfigText(YAML.stringify(input), 'generated.yaml'), parsed);
        assert.deepEqual(parseConfigText(JSON.stringify(parsed, null, 2), 'parsed.json'), parsed);
        assert.deepEqual(parseConfigText(YAML.stringify(parsed), 'parsed.yaml'), parsed);
        for (const entry of parsed.clusters) {
          for (const coordinator of entry.coordinators)
            assert.match(coordinator.webUrl, /^https?:\/\/[^/?#]+$/);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('accepts any connect string of host:port entries, and refuses it with a chroot or a space', () => {
    fc.assert(
      fc.property(connectString, fc.constantFrom('/dremio', ' ', ',', ':2181'), (connect, suffix) => {
        const parsed = parseConfig(config(cluster({ zookeeper: { connect } })), 't');
        assert.equal(parsed.clusters[0]?.zookeeper.connect, connect);
        assert.equal(
          onlyIssue(config(cluster({ zookeeper: { connect: `${connect}${suffix}` } }))),
          `clusters[0].zookeeper.connect: ${CONNECT}`,
        );
      }),
    );
  });

  it('reads any JSON value as JSON.parse does, alone or in a configuration', () => {
    const value = fc.jsonValue({ maxDepth: 6 });
    const document = fc.oneof(
      value,
      value.map((extra) => ({ ...config(), extra })),
    );
    fc.assert(
      fc.property(document, fc.constantFrom(undefined, 2, '\t'), (input, space) => {
        const text = JSON.stringify(input, null, space);
        assert.deepEqual(parseConfigDocument(text, 'generated.json'), JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('reads broken JSON as JSON.parse does when it accepts it, and fails only with ConfigErrors', () => {
    const broken = fc
      .tuple(fc.json(), fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 3 }))
      .map(([text, at, removed, inserted]) => {
        const index = at % (text.length + 1);
        return text.slice(0, index) + inserted + text.slice(index + removed);
      });
    fc.assert(
      fc.property(broken, (text) => {
        let expected: unknown;
        let valid = true;
        try {
          expected = JSON.parse(text);
        } catch {
          valid = false;
        }
        try {
          const actual = parseConfigDocument(text, 'broken.json');
          // YAML reads more than JSON; what JSON.parse also reads must read the same.
          if (valid) assert.deepEqual(actual, expected, JSON.stringify(text));
        } catch (error) {
          if (error instanceof assert.AssertionError) throw error;
          assert.ok(error instanceof ConfigError, String(error));
          // JSON.parse reads duplicate keys, and a tab before a top-level scalar ("\t1"), which YAML
          // takes for indentation; neither is a configuration.
          if (valid) {
            assert.match(
              error.message,
              /Map keys must be unique|Tabs are not allowed as indentation/,
              JSON.stringify(text),
            );
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('channels and routes', () => {
  const cluster = (routes: unknown[]) => ({
    name: 'prod',
    zookeeper: { connect: 'zk1:2181' },
    coordinators: [{ address: 'coord-a', role: 'master-candidate' }],
    routes,
  });

  it('routes a cluster to defined channels, with filters', () => {
    const config = parseConfig(
      {
        clusters: [cluster([{ channel: 'sms', severities: ['critical'], types: ['FAILOVER_COMPLETED'] }])],
        channels: { sms: { kind: 'sns', topicArn: 'arn:aws:sns:eu-west-1:123456789012:pager.fifo' } },
      },
      't',
    );
    assert.deepEqual(config.clusters[0]?.routes, [
      { channel: 'sms', severities: ['critical'], types: ['FAILOVER_COMPLETED'] },
    ]);
  });

  it('names a route to a channel that does not exist', () => {
    assert.throws(
      () => parseConfig({ clusters: [cluster([{ channel: 'nope' }])] }, 'monitor.yaml'),
      /monitor\.yaml: clusters\[0\]\.routes\[0\]\.channel: no channel named "nope" under "channels"/,
    );
  });

  it('refuses an inline webhook URL without repeating it', () => {
    const secret = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';
    assert.throws(
      () =>
        parseConfig(
          { clusters: [cluster([])], channels: { slack: { kind: 'slack-webhook', webhookUrl: secret } } },
          't',
        ),
      (error: Error) =>
        /channels\.slack\.webhookUrl: expected/.test(error.message) && !error.message.includes('SECRET'),
    );
  });

  const channel =
    (config: Record<string, unknown>, more: Record<string, unknown> = {}) =>
    () =>
      parseConfig(
        { clusters: [cluster([{ channel: 'c' }])], channels: { c: config }, ...more },
        'monitor.yaml',
      );
  // Polled every 10 minutes: an Alertmanager alert must outlast two invocations.
  const everyTenMinutes = {
    aws: { scheduleMinutes: 10, vpc: { vpcId: 'vpc-0abc1234', subnetIds: ['subnet-0abc1234'] } },
  };

  it('takes every kind of channel, each with its secrets as references', () => {
    const env = (name: string) => ({ env: name });
    assert.equal(
      channel({ kind: 'alertmanager', url: 'http://am:9093', resolveTimeoutMs: 1_200_000 }, everyTenMinutes)()
        .channels.c?.kind,
      'alertmanager',
    );
    for (const config of [
      { kind: 'pagerduty', routingKey: env('PD'), eventsUrl: 'https://events.eu.pagerduty.com/v2/enqueue' },
      { kind: 'teams-workflow', webhookUrl: env('TEAMS') },
      {
        kind: 'webhook',
        url: 'https://hooks.corp/x',
        signingSecret: env('SIGN'),
        headers: { 'X-Api-Key': env('K') },
      },
      { kind: 'alertmanager', url: 'http://alertmanager.corp:9093', headers: { Authorization: env('AM') } },
      { kind: 'alertmanager', url: 'https://am.corp/prefix/', resolveTimeoutMs: 600_000 },
    ]) {
      assert.deepEqual(channel(config)().channels.c, config);
    }
  });

  const refusals: ReadonlyArray<[string, Record<string, unknown>, RegExp, Record<string, unknown>?]> = [
    [
      'an Alertmanager URL with credentials',
      { kind: 'alertmanager', url: 'http://u:p@am:9093' },
      /channels\.c\.url: expected an http\(s\) URL without credentials/,
    ],
    [
      'a resolve timeout under 3 minutes',
      { kind: 'alertmanager', url: 'http://am:9093', resolveTimeoutMs: 60_000 },
      /channels\.c\.resolveTimeoutMs: expected at least 180000/,
    ],
    [
      'a plain-http webhook away from localhost',
      { kind: 'webhook', url: 'http://hooks.corp/x', signingSecret: { env: 'S' } },
      /channels\.c\.url: expected an https URL/,
    ],
    [
      'an inline signing secret',
      { kind: 'webhook', url: 'https://hooks.corp/x', signingSecret: 'whsec-inline-0123456789' },
      /channels\.c\.signingSecret: expected/,
    ],
    [
      'a header name with a space',
      { kind: 'alertmanager', url: 'http://am:9093', headers: { 'X Key': { env: 'K' } } },
      /channels\.c\.headers/,
    ],
    [
      'an Alertmanager resolve timeout a poll schedule outruns',
      { kind: 'alertmanager', url: 'http://am:9093' },
      /channels\.c\.resolveTimeoutMs: must be at least 1200000 \(twice aws\.scheduleMinutes\)/,
      everyTenMinutes,
    ],
    [
      'an inline routing key',
      { kind: 'pagerduty', routingKey: 'R0UT1NGKEY0000000000000000TEST32' },
      /channels\.c\.routingKey: expected/,
    ],
  ];
  for (const [name, config, error, more] of refusals) {
    it(`refuses ${name}, naming where`, () => {
      assert.throws(
        channel(config, more),
        (thrown: Error) => error.test(thrown.message) && !/inline-0123|TEST32/.test(thrown.message),
      );
    });
  }
});
