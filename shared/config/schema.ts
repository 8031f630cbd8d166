import { isIP } from 'node:net';
import * as z from 'zod';
import { EVENT_TYPES } from '../events/types.ts';
import { awsSchema } from './aws-schema.ts';
import { ALERTMANAGER_RESOLVE_TIMEOUT_MS } from './channel-defaults.ts';
import { remediationSchema } from './remediation-schema.ts';
import { integer, message, retired } from './schema-parts.ts';
import { isAlertmanagerUrl, isHttpUrl, isServiceUrl, parseUrl } from './urls.ts';

export { describeValue } from './schema-parts.ts';

/**
 * The configuration file of dremio-ha-monitor: its zod schema (the single source of truth, also of
 * `config.schema.json`) and the types of a parsed configuration, with every default applied.
 */

/** Dremio's default web port, used for a coordinator's `webUrl` when the file gives none. */
export const DEFAULT_WEB_PORT = 9047;

export const CONNECT_MESSAGE = 'expected host:port[,host:port...]';

const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const SECRETS_MANAGER_ARN =
  /^arn:aws(?:-[a-z]+)*:secretsmanager:[a-z]{2}(?:-[a-z]+)+-[0-9]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;

// One DNS label; a hostname is labels separated by dots (RFC 1123, no trailing dot).
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME_SOURCE = `${LABEL}(?:\\.${LABEL})*`;
const HOSTNAME = new RegExp(`^${HOSTNAME_SOURCE}$`);
const PORT_SOURCE =
  '(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])';
const CONNECT_ENTRY = `${HOSTNAME_SOURCE}:${PORT_SOURCE}`;
/** A ZooKeeper connect string without chroot: `host:port[,host:port...]`, ports 1..65535, no spaces. */
export const CONNECT_PATTERN = new RegExp(`^${CONNECT_ENTRY}(?:,${CONNECT_ENTRY})*$`);

// Characters ZooKeeper refuses in a znode name (PathUtils.validatePath), and "/".
const ZNODE_NAME_SOURCE = '[^/\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\uf8ff\\ufff0-\\uffff]+';
const ZNODE_NAME = new RegExp(`^${ZNODE_NAME_SOURCE}$`);
const ZNODE_ROOT = new RegExp(`^/?(?:${ZNODE_NAME_SOURCE}(?:/${ZNODE_NAME_SOURCE})*/?)?$`);

/**
 * A hostname or IPv4 address as a host in a URL or a connect string. A name whose last label is all
 * digits must be a whole dotted-quad IPv4 address (URL parsers read it as one).
 */
export function isHostname(value: string): boolean {
  if (value.length > 253 || !HOSTNAME.test(value)) return false;
  const lastLabel = value.slice(value.lastIndexOf('.') + 1);
  return !/^[0-9]+$/.test(lastLabel) || isIP(value) === 4;
}

/** What a Dremio node may publish as its address: a hostname, an IPv4 or an IPv6 address. */
export function isHostOrIp(value: string): boolean {
  return isHostname(value) || isIP(value) === 6;
}

function isConnectString(value: string): boolean {
  if (!CONNECT_PATTERN.test(value)) return true; // reported by the pattern, once
  return value.split(',').every((entry) => isHostname(entry.slice(0, entry.lastIndexOf(':'))));
}

function isZnodeName(value: string): boolean {
  return ZNODE_NAME.test(value) && value !== '.' && value !== '..';
}

function isZnodeRoot(value: string): boolean {
  if (!ZNODE_ROOT.test(value)) return false;
  return trimSlashes(value)
    .split('/')
    .every((segment) => segment === '' || isZnodeName(segment));
}

function trimSlashes(value: string): string {
  return value.replace(/^\//, '').replace(/\/$/, '');
}

/** An http(s) URL with nothing after the port (a bare "/" is tolerated). */
function isWebOrigin(value: string): boolean {
  const url = parseUrl(value);
  return (
    url !== undefined &&
    isHttpUrl(value) &&
    url.pathname === '/' &&
    !value.includes('?') &&
    !value.includes('#')
  );
}

function toOrigin(value: string): string {
  return parseUrl(value)?.origin ?? value;
}

/** `http://<address>:9047`, with brackets around an IPv6 address. */
export function defaultWebUrl(address: string): string {
  const host = isIP(address) === 6 ? `[${address}]` : address;
  return toOrigin(`http://${host}:${DEFAULT_WEB_PORT}`);
}

const znodeName = z
  .string()
  .refine(isZnodeName, { error: message('expected one znode name: not empty, no "/", not "." or ".."') })
  .meta({ pattern: ZNODE_NAME.source });

const znodeRoot = z
  .string()
  .refine(isZnodeRoot, {
    error: message('expected a znode path like "tenants/blue": no empty, "." or ".." segments'),
  })
  .meta({ pattern: ZNODE_ROOT.source })
  .transform(trimSlashes);

const webUrl = z
  .string()
  .refine(isWebOrigin, {
    error: message(
      'expected an http or https URL without path, query or credentials, like http://coord-a:9047',
    ),
  })
  .transform(toOrigin)
  .meta({ format: 'uri' });

const httpUrl = z
  .string()
  .refine(isHttpUrl, { error: message('expected an http or https URL without credentials') })
  .meta({ format: 'uri' });

const serviceUrl = z
  .string()
  .refine(isServiceUrl, {
    error: message('expected an https URL without credentials (plain http only for localhost)'),
  })
  .meta({ format: 'uri' });

/** Alertmanager is often plain http inside a network: http is accepted for it, never credentials. */
const alertmanagerUrl = z
  .string()
  .refine(isAlertmanagerUrl, {
    error: message('expected an http(s) URL without credentials, query or fragment'),
  })
  .meta({ format: 'uri' });

const filePath = z
  .string()
  .min(1, { error: message('expected a file path, got an empty string') })
  .refine((value) => !value.includes('\0'), { error: message('expected a file path') });

const zookeeperSchema = z
  .strictObject({
    connect: z
      .string()
      .regex(CONNECT_PATTERN, { error: message(CONNECT_MESSAGE) })
      .refine(isConnectString, { error: message(CONNECT_MESSAGE) })
      .meta({
        description:
          'ZooKeeper servers as host:port[,host:port...], as in dremio.conf zookeeper, without a chroot suffix (use root).',
        examples: ['zk1:2181,zk2:2181,zk3:2181'],
      }),
    clusterId: znodeName
      .default('dremio')
      .meta({ description: 'dremio.exec.cluster-id: the znode under root holding the cluster.' }),
    root: znodeRoot.prefault('').meta({
      description:
        'dremio.exec.zk.root: Curator namespace prefix, e.g. "tenants/blue". Leading and trailing slashes are dropped.',
    }),
    connectTimeoutMs: integer(100, 60_000)
      .default(3000)
      .meta({ description: 'Time allowed to open a ZooKeeper session, in milliseconds.' }),
    operationTimeoutMs: integer(100, 60_000)
      .default(2000)
      .meta({ description: 'Time allowed for each ZooKeeper read, in milliseconds.' }),
    fourLetterWordTimeoutMs: integer(100, 60_000)
      .default(1000)
      .meta({ description: 'Time allowed for each four-letter word (srvr, mntr, ruok), in milliseconds.' }),
    sessionTimeoutMs: integer(2000, 600_000)
      .default(90_000)
      .meta({
        description:
          "Session timeout the monitor's sessions request, in milliseconds. The default is Dremio's own request, so " +
          'the server grants the monitor what it grants Dremio, and the takeover budget is judged against it.',
      }),
  })
  .meta({ description: "Where the cluster's ZooKeeper is and how long to wait for it." });

const coordinatorSchema = z
  .strictObject({
    address: z
      .string()
      .refine(isHostOrIp, {
        error: message('expected a hostname or an IP address, as the node publishes it in ZooKeeper'),
      })
      .meta({ description: 'The address the node publishes in ZooKeeper (its hostname or IP address).' }),
    webUrl: webUrl.optional().meta({
      description: `Base URL of the node's web server, without path. Default http://<address>:${DEFAULT_WEB_PORT}.`,
    }),
    role: z
      .enum(['master-candidate', 'coordinator'], {
        error: message('expected "master-candidate" or "coordinator"', true),
      })
      .meta({
        description:
          'master-candidate: may become the master (shares the catalog lock); coordinator: a secondary coordinator.',
      }),
    instanceId: z
      .string()
      .regex(INSTANCE_ID, { error: message('expected an EC2 instance id like i-0abc1234def567890') })
      .optional()
      .meta({ description: 'EC2 instance id of the node, for remediation.' }),
  })
  .transform(({ address, webUrl, role, instanceId }) => ({
    address,
    webUrl: webUrl ?? defaultWebUrl(address),
    role,
    ...(instanceId === undefined ? {} : { instanceId }),
  }));

const httpSchema = z
  .strictObject({
    timeoutMs: integer(50, 60_000)
      .default(2000)
      .meta({ description: 'Time allowed for each GET /apiv2/server_status, in milliseconds.' }),
    connectTimeoutMs: integer(50, 60_000)
      .default(1000)
      .meta({ description: 'Time allowed to open the TCP (and TLS) connection, in milliseconds.' }),
    probeIntervalMs: integer(100, 60_000).default(1000).meta({
      description:
        'How often a watching monitor probes every coordinator, in milliseconds (a few GETs a second per cluster); ZooKeeper is watched, and read in full every intervalMs.',
    }),
    caFile: filePath.optional().meta({
      description:
        'PEM file of extra CA certificates for https webUrls. A relative path is relative to the configuration file.',
    }),
  })
  .meta({ description: 'How the coordinators are probed over HTTP.' });

const executorsSchema = z
  .strictObject({
    minimum: integer(0)
      .default(0)
      .meta({ description: 'Fewer registered executors than this is reported as degraded.' }),
  })
  .meta({ description: 'Expectations about the executors.' });

const detectionSchema = z
  .strictObject({
    masterRefusedMs: integer(0, 3_600_000).optional().meta({
      description:
        'How long a registered master must refuse connections (two probes at least) before MASTER_UNRESPONSIVE, critical. Default 1000.',
    }),
    noAnswerMs: integer(0, 3_600_000).optional().meta({
      description:
        'How long a registered master or a coordinator may time out or be unreachable before it is announced. Default 10000.',
    }),
    startupGraceMs: integer(0, 3_600_000).optional().meta({
      description:
        'A master registered this recently that has never answered is starting, not unresponsive. Default 60000.',
    }),
    unresponsiveProbes: retired('replaced by masterRefusedMs and noAnswerMs, durations in milliseconds'),
    masterDownConfirmMs: integer(0, 3_600_000).optional().meta({
      description: 'How long no master must be registered before MASTER_DOWN. Default 10000.',
    }),
    confirmSnapshots: integer(1, 1000).optional().meta({
      description:
        'Snapshots that confirm a condition (split brain, executors, ZooKeeper, observation). Default 2.',
    }),
    sessionTimeoutMs: integer(1, 3_600_000).optional().meta({
      description:
        "Dremio's negotiated ZooKeeper session timeout, when it differs from the monitor's. Default: as observed.",
    }),
    standbyStartupBudgetMs: integer(0, 86_400_000).optional().meta({
      description:
        'Time a standby may take to start once the session expired, before TAKEOVER_OVERDUE. Default 180000.',
    }),
    coordinatorDownMs: integer(0, 3_600_000).optional().meta({
      description:
        'How long a coordinator may refuse or answer anything but "OK" before COORDINATOR_DOWN (timeouts wait noAnswerMs). Default 5000.',
    }),
    blindCriticalMs: integer(0, 86_400_000).optional().meta({
      description:
        'How long the monitor may be unable to read ZooKeeper before that is critical itself (nobody is watching). Default 300000.',
    }),
    coordinatorDownProbes: retired('replaced by coordinatorDownMs, a duration in milliseconds'),
    flapChanges: integer(2, 1000).optional().meta({
      description: 'Leadership changes within flapWindowMs that make FLAPPING. Default 3.',
    }),
    flapWindowMs: integer(1, 86_400_000).optional().meta({ description: 'Default 1800000 (30 min).' }),
    repeatIntervalMs: integer(1, 86_400_000).optional().meta({
      description: 'Reminder interval of an open, unacknowledged incident. Default 1800000 (30 min).',
    }),
  })
  .meta({
    description: 'Detection policy overrides; every key defaults as docs/events.md#detection-policy says.',
  });

function findDuplicates(values: readonly unknown[], key: (value: string) => string = (value) => value) {
  const seen = new Set<string>();
  const duplicates: Array<{ index: number; value: string }> = [];
  values.forEach((value, index) => {
    if (typeof value !== 'string') return;
    const normalized = key(value);
    if (seen.has(normalized)) duplicates.push({ index, value });
    seen.add(normalized);
  });
  return duplicates;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, name)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Cluster names used twice, and coordinator addresses used twice in a cluster (compared without case,
 * as DNS does). Reads any value defensively, so that it can run on a document with other errors: zod
 * skips refinements once a value is known to be of the wrong type, and parseConfig calls this itself
 * to list every error of the file at once. Only values that are valid names or hosts are echoed.
 */
export function duplicateIssues(config: unknown): Array<{ path: Array<string | number>; message: string }> {
  const issues: Array<{ path: Array<string | number>; message: string }> = [];
  const clusters = list(field(config, 'clusters'));
  const names = clusters.map((cluster) => {
    const name = field(cluster, 'name');
    return typeof name === 'string' && CLUSTER_NAME.test(name) ? name : undefined;
  });
  for (const { index, value } of findDuplicates(names)) {
    issues.push({ path: ['clusters', index, 'name'], message: `duplicate cluster name "${value}"` });
  }
  clusters.forEach((cluster, clusterIndex) => {
    const addresses = list(field(cluster, 'coordinators')).map((coordinator) => {
      const address = field(coordinator, 'address');
      return typeof address === 'string' && isHostOrIp(address) ? address : undefined;
    });
    for (const { index, value } of findDuplicates(addresses, (address) => address.toLowerCase())) {
      issues.push({
        path: ['clusters', clusterIndex, 'coordinators', index, 'address'],
        message: `duplicate coordinator address "${value}"`,
      });
    }
  });
  return issues;
}

const clusterSchema = z
  .strictObject({
    name: z
      .string()
      .regex(CLUSTER_NAME, {
        error: message('expected 1 to 63 of A-Z a-z 0-9 _ . -, starting with a letter or a digit'),
      })
      .meta({ description: 'Name of the cluster in events, logs and metrics; unique in the file.' }),
    zookeeper: zookeeperSchema,
    coordinators: z
      .array(coordinatorSchema)
      .min(1, { error: 'at least one coordinator is required' })
      .meta({ description: 'Every master candidate and coordinator of the cluster; addresses are unique.' }),
    http: httpSchema.prefault({}),
    executors: executorsSchema.prefault({}),
    detection: detectionSchema.prefault({}),
    routes: z
      .array(z.lazy(() => routeSchema))
      .default([])
      .meta({ description: "Which channels get which of the cluster's events; default none." }),
    runbookUrl: httpUrl.optional().meta({ description: 'Link put in every notification about the cluster.' }),
    remediation: remediationSchema.prefault({}),
  })
  .meta({ description: 'One Dremio HA cluster.' });

const probeSchema = z
  .strictObject({
    concurrency: integer(1, 256)
      .default(8)
      .meta({ description: 'How many coordinators and ZooKeeper servers are probed at the same time.' }),
  })
  .meta({ description: 'How observation runs.' });

/** A reference to a secret: secrets are never written in the configuration file itself. */
export const secretReference = z
  .union(
    [
      z.strictObject({
        env: z
          .string()
          .regex(ENV_NAME, {
            error: message('expected an environment variable name like SLACK_WEBHOOK_URL (A-Z, 0-9, _)'),
          })
          .meta({ description: 'Name of the environment variable holding the secret.' }),
      }),
      z.strictObject({
        secretsManagerArn: z
          .string()
          .regex(SECRETS_MANAGER_ARN, {
            error: message('expected arn:aws:secretsmanager:<region>:<account>:secret:<name>'),
          })
          .meta({ description: 'ARN of the AWS Secrets Manager secret holding the value.' }),
      }),
    ],
    {
      error: message(
        'expected {"env": "VAR_NAME"} or {"secretsManagerArn": "arn:aws:secretsmanager:..."}: secrets are never written in the file',
      ),
    },
  )
  .meta({ description: 'Where a secret comes from: an environment variable or AWS Secrets Manager.' });

const secretHeaders = z
  .record(
    z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { error: message('expected an HTTP header name') }),
    secretReference,
  )
  .optional()
  .meta({ description: 'Extra headers (an API key, Authorization...), each a secret reference.' });

const CHANNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const SEVERITY = z.enum(['info', 'warning', 'critical']);

/** One place notifications go: Slack (webhook or bot), SNS, PagerDuty, Teams, a signed webhook, Alertmanager. */
const channelSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('slack-webhook').meta({ description: 'A Slack incoming webhook.' }),
      webhookUrl: secretReference.meta({ description: 'Where the webhook URL (a secret) comes from.' }),
    }),
    z.strictObject({
      kind: z
        .literal('slack-bot')
        .meta({ description: 'A Slack app bot (chat.postMessage): threads and updates.' }),
      token: secretReference.meta({ description: 'Where the bot token (xoxb-..., a secret) comes from.' }),
      channelId: z
        .string()
        .regex(/^[A-Z0-9]{6,20}$/, { error: message('expected a Slack channel id like C0123ABCD') })
        .meta({
          description: 'The Slack channel id to post to.',
        }),
      apiBaseUrl: serviceUrl.optional().meta({
        description: 'The Web API base URL; default https://slack.com/api (another for a local test Slack).',
      }),
      signingSecret: secretReference.optional().meta({
        description:
          "Where the Slack app's signing secret comes from. Set, it puts an Acknowledge button on the messages that open or update an incident, and the monitor serves the clicks (a Lambda function URL, or the CLI's slack-interactions listener).",
      }),
    }),
    z.strictObject({
      kind: z
        .literal('sns')
        .meta({ description: 'An Amazon SNS topic (email, SMS, SQS, Lambda, HTTPS subscribers).' }),
      topicArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, {
          error: message('expected arn:aws:sns:<region>:<account>:<topic>'),
        })
        .meta({ description: 'The topic ARN (a .fifo topic gets group and deduplication ids).' }),
    }),
    z.strictObject({
      kind: z
        .literal('pagerduty')
        .meta({ description: 'A PagerDuty service, through its Events API v2 integration.' }),
      routingKey: secretReference.meta({
        description: "Where the integration's routing key (a secret, 32 characters) comes from.",
      }),
      eventsUrl: serviceUrl.optional().meta({
        description:
          'The Events API v2 endpoint; default https://events.pagerduty.com/v2/enqueue (https://events.eu.pagerduty.com/v2/enqueue for the EU service region).',
      }),
    }),
    z.strictObject({
      kind: z.literal('teams-workflow').meta({
        description: 'A Microsoft Teams channel, through a Workflows webhook, with Adaptive Cards.',
      }),
      webhookUrl: secretReference.meta({
        description: "Where the workflow's webhook URL (a secret: it carries a signature) comes from.",
      }),
    }),
    z.strictObject({
      kind: z
        .literal('webhook')
        .meta({ description: 'Any HTTPS endpoint: the event JSON, signed with HMAC-SHA256.' }),
      url: serviceUrl.meta({ description: 'Where the signed event JSON is POSTed.' }),
      signingSecret: secretReference.meta({
        description: 'Where the shared signing secret (at least 16 characters) comes from.',
      }),
      headers: secretHeaders,
    }),
    z.strictObject({
      kind: z.literal('alertmanager').meta({
        description:
          'A Prometheus Alertmanager (API v2): incidents as alerts, for its routing, silences and inhibition.',
      }),
      url: alertmanagerUrl.meta({
        description: "The Alertmanager's base URL (http://alertmanager:9093, with its route prefix if any).",
      }),
      headers: secretHeaders,
      resolveTimeoutMs: z
        .int()
        .min(180_000, {
          error: message('expected at least 180000 (3 minutes): alerts are sent again every minute'),
        })
        .max(86_400_000)
        .optional()
        .meta({
          description:
            "An open incident's alert ends this long after it was last sent (it is sent again every minute while open), so Alertmanager resolves it if the monitor stops. Default 900000 (15 minutes).",
        }),
    }),
  ])
  .meta({ description: 'A notification channel.' });

const routeSchema = z
  .strictObject({
    channel: z.string().regex(CHANNEL_NAME).meta({ description: 'A channel named under "channels".' }),
    severities: z
      .array(SEVERITY)
      .min(1)
      .optional()
      .meta({ description: 'Only these severities; default all.' }),
    types: z
      .array(z.enum(EVENT_TYPES))
      .min(1)
      .optional()
      .meta({ description: 'Only these event types; default all.' }),
  })
  .meta({ description: "Which of the cluster's events go to a channel." });

/** Routes naming a channel that is not defined. */
function unknownChannelIssues(config: {
  channels: Record<string, unknown>;
  clusters: ReadonlyArray<{ routes: ReadonlyArray<{ channel: string }> }>;
}): Array<{ path: Array<string | number>; message: string }> {
  const issues: Array<{ path: Array<string | number>; message: string }> = [];
  config.clusters.forEach((cluster, clusterIndex) => {
    cluster.routes.forEach((route, routeIndex) => {
      if (!Object.hasOwn(config.channels, route.channel)) {
        issues.push({
          path: ['clusters', clusterIndex, 'routes', routeIndex, 'channel'],
          message: `no channel named "${route.channel}" under "channels"`,
        });
      }
    });
  });
  return issues;
}

/**
 * On AWS in poll mode, open alerts are sent again once per invocation (every aws.scheduleMinutes):
 * an Alertmanager channel's resolve timeout must outlast two of them, or Alertmanager would resolve
 * open incidents between invocations.
 */
function resolveTimeoutIssues(config: {
  channels: Record<string, { kind: string; resolveTimeoutMs?: number | undefined }>;
  aws?: { mode: string; scheduleMinutes: number } | undefined;
}): Array<{ path: Array<string | number>; message: string }> {
  if (config.aws?.mode !== 'poll') return [];
  const needed = 2 * config.aws.scheduleMinutes * 60_000;
  return Object.entries(config.channels).flatMap(([name, channel]) => {
    const timeout = channel.resolveTimeoutMs ?? ALERTMANAGER_RESOLVE_TIMEOUT_MS;
    return channel.kind === 'alertmanager' && timeout < needed
      ? [
          {
            path: ['channels', name, 'resolveTimeoutMs'],
            message: `must be at least ${needed} (twice aws.scheduleMinutes): in poll mode open alerts are sent again once per invocation`,
          },
        ]
      : [];
  });
}

export const monitorConfigSchema = z
  .strictObject({
    $schema: z
      .string()
      .optional()
      .meta({ description: 'The JSON Schema of this file, for editors; ignored by the monitor.' }),
    clusters: z
      .array(clusterSchema)
      .min(1, { error: 'at least one cluster is required' })
      .meta({ description: 'The Dremio HA clusters to monitor; names are unique.' }),
    probe: probeSchema.prefault({}),
    delivery: z
      .strictObject({
        maxAgeMs: integer(1000, 7 * 86_400_000)
          .default(86_400_000)
          .meta({
            description: 'A delivery still failing this long after its event is given up: DELIVERY_FAILED.',
          }),
        backoffBaseMs: integer(10, 3_600_000)
          .default(2000)
          .meta({ description: 'Wait after the first failed attempt, doubled each time.' }),
        backoffMaxMs: integer(10, 3_600_000)
          .default(300_000)
          .meta({ description: 'The longest wait between attempts.' }),
      })
      .prefault({})
      .meta({ description: 'How failed deliveries are retried.' }),
    channels: z
      .record(
        z.string().regex(CHANNEL_NAME, { error: message('expected a channel name of A-Z a-z 0-9 _ . -') }),
        channelSchema,
      )
      .default({})
      .meta({ description: 'Where notifications go, by name; clusters route their events to them.' }),
    aws: awsSchema.optional(),
  })
  .superRefine(
    (config, context) => {
      for (const issue of duplicateIssues(config)) context.addIssue({ code: 'custom', ...issue });
    },
    { when: () => true },
  )
  .superRefine((config, context) => {
    for (const issue of unknownChannelIssues(config)) context.addIssue({ code: 'custom', ...issue });
    for (const issue of resolveTimeoutIssues(config)) context.addIssue({ code: 'custom', ...issue });
  })
  .transform(({ $schema: _schema, ...config }) => config)
  .meta({
    title: 'dremio-ha-monitor configuration',
    description: 'The Dremio HA clusters dremio-ha-monitor watches. See examples/dremio-ha-monitor.yaml.',
  });

/** The file as written: defaults may be left out. */
export type MonitorConfigInput = z.input<typeof monitorConfigSchema>;
/** A parsed configuration, with every default applied. */
export type MonitorConfig = z.output<typeof monitorConfigSchema>;
export type ClusterConfig = MonitorConfig['clusters'][number];
export type ZooKeeperConfig = ClusterConfig['zookeeper'];
/** A coordinator; `webUrl` is always present (the default is `http://<address>:9047`). */
export type CoordinatorConfig = ClusterConfig['coordinators'][number];
export type CoordinatorRole = CoordinatorConfig['role'];
export type HttpConfig = ClusterConfig['http'];
export type { AwsConfig } from './aws-schema.ts';
export type { RemediationConfig } from './remediation-schema.ts';
export type SecretReference = z.output<typeof secretReference>;
