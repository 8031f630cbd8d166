import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EVENT_TYPES, type EventType, type MonitorEvent } from '../../../shared/events/types.ts';
import {
  buildTimeline,
  type ClusterTimeline,
  escapeHtml,
  renderReport,
} from '../../../shared/report/index.ts';
import { looseEvent } from '../../support/loose-event.ts';
import { sampleEvent } from '../../support/notify-events.ts';
import { HOUR, reportStory } from '../../support/report-story.ts';

const S = Date.parse('2026-11-21T22:00:00.000Z');
const t = (h: number, m: number, s = 0) => S + h * HOUR + m * 60_000 + s * 1000;
const story = reportStory(S);
const timeline = buildTimeline(story.events, { cluster: 'prod', since: S, until: story.until });
const meta = { generatedAt: story.until, since: S, until: story.until };
const A = 'coord-a.corp';
const B = 'coord-b.corp';
const C = 'coord-c.corp';

/** What a part of the timeline should be: each row names the part and the expected subset of it. */
const EXPECTED: ReadonlyArray<readonly [string, (tl: ClusterTimeline) => unknown, unknown]> = [
  ['nodes, masters first, then remediation targets', (tl) => tl.nodes, [A, B, C]],
  [
    'master periods: coord-a.corp (since before the range), coord-b.corp, coord-b.corp again after its restart',
    (tl) =>
      tl.masterPeriods.map(({ address, from, to, fromKnown, ongoing, endedBy }) => ({
        address,
        from,
        to,
        fromKnown,
        ongoing,
        endedBy,
      })),
    [
      { address: A, from: S, to: t(1, 1, 25), fromKnown: false, ongoing: false, endedBy: 'MASTER_DOWN' },
      {
        address: B,
        from: t(1, 3, 8.5),
        to: t(3, 29, 30),
        fromKnown: true,
        ongoing: false,
        endedBy: 'MASTER_RESTARTED',
      },
      { address: B, from: t(3, 29, 59.2), to: t(6, 0), fromKnown: true, ongoing: true, endedBy: null },
    ],
  ],
  [
    'no master: last sighting of the old master to the registration of the new one',
    (tl) => tl.noMaster,
    [
      { from: t(1, 1, 25), to: t(1, 3, 8.5), ongoing: false },
      { from: t(3, 29, 30), to: t(3, 29, 59.2), ongoing: false },
    ],
  ],
  [
    'the failover: outage from MASTER_UNRESPONSIVE, no master, detection latencies',
    (tl) => {
      const {
        kind,
        from,
        to,
        firstSignType,
        firstSignAt,
        outageMs,
        outageFrom,
        noMasterMs,
        detectedMs,
        downDeclaredMs,
        silentSince,
        suppressed,
      } = tl.failovers[0] ?? {};
      return {
        kind,
        from,
        to,
        firstSignType,
        firstSignAt,
        outageMs,
        outageFrom,
        noMasterMs,
        detectedMs,
        downDeclaredMs,
        silentSince,
        suppressed,
      };
    },
    {
      kind: 'failover',
      from: A,
      to: B,
      firstSignType: 'MASTER_UNRESPONSIVE',
      firstSignAt: t(1, 0),
      outageMs: 190_000,
      outageFrom: 'first-sign',
      noMasterMs: 105_000,
      detectedMs: 1_500,
      downDeclaredMs: 15_000,
      silentSince: t(0, 59, 40),
      suppressed: false,
    },
  ],
  [
    'the restart during maintenance: a notice, its outage from the last sighting, held back',
    (tl) => {
      const { kind, from, to, outageMs, outageFrom, firstSignAt, suppressed } = tl.failovers[1] ?? {};
      return { kind, from, to, outageMs, outageFrom, firstSignAt, suppressed };
    },
    {
      kind: 'restart',
      from: B,
      to: B,
      outageMs: 30_000,
      outageFrom: 'last-seen',
      firstSignAt: null,
      suppressed: true,
    },
  ],
  [
    'incidents: opened by, times, durations, still open, severity, acknowledgement',
    (tl) =>
      tl.incidents.map((one) => ({
        key: one.key,
        kind: one.kind,
        openedByType: one.openedByType,
        openedAt: one.openedAt,
        resolvedAt: one.resolvedAt,
        durationMs: one.durationMs,
        open: one.open,
        severity: one.severity,
        acknowledgedBy: one.acknowledgedBy,
        reminders: one.reminders,
      })),
    [
      {
        key: story.keys.master,
        kind: 'master',
        openedByType: 'MASTER_UNRESPONSIVE',
        openedAt: t(1, 0),
        resolvedAt: t(1, 3, 10),
        durationMs: 190_000,
        open: false,
        severity: 'critical',
        acknowledgedBy: null,
        reminders: 0,
      },
      {
        key: story.keys.remediationA,
        kind: 'remediation',
        openedByType: 'REMEDIATION_STARTED',
        openedAt: t(1, 4, 10),
        resolvedAt: t(1, 7, 30),
        durationMs: 200_000,
        open: false,
        severity: 'info',
        acknowledgedBy: null,
        reminders: 0,
      },
      {
        key: story.keys.coordinator,
        kind: 'coordinator',
        openedByType: 'COORDINATOR_DOWN',
        openedAt: t(1, 5),
        resolvedAt: null,
        durationMs: t(6, 0) - t(1, 5),
        open: true,
        severity: 'warning',
        acknowledgedBy: 'alice',
        reminders: 1,
      },
      {
        key: story.keys.remediationC,
        kind: 'remediation',
        openedByType: 'REMEDIATION_BLOCKED',
        openedAt: t(1, 5, 1),
        resolvedAt: null,
        durationMs: t(6, 0) - t(1, 5, 1),
        open: true,
        severity: 'critical',
        acknowledgedBy: null,
        reminders: 0,
      },
      {
        key: story.keys.zookeeper,
        kind: 'zookeeper',
        openedByType: 'ZOOKEEPER_DEGRADED',
        openedAt: t(4, 30),
        resolvedAt: t(4, 50),
        durationMs: 20 * 60_000,
        open: false,
        severity: 'warning',
        acknowledgedBy: null,
        reminders: 0,
      },
    ],
  ],
  [
    'remediation: coord-a.corp restarted in 200 s, coord-c.corp failed after 10 min with its reason',
    (tl) =>
      tl.remediation.map(({ actionId, target, need, startedAt, outcome, durationMs, dryRun, reason }) => ({
        actionId,
        target,
        need,
        startedAt,
        outcome,
        durationMs,
        dryRun,
        reason,
      })),
    [
      {
        actionId: story.actions.a,
        target: A,
        need: 'failed-master',
        startedAt: t(1, 4, 10),
        outcome: 'succeeded',
        durationMs: 200_000,
        dryRun: false,
        reason: null,
      },
      {
        actionId: story.actions.c,
        target: C,
        need: 'coordinator-down',
        startedAt: t(1, 8),
        outcome: 'failed',
        durationMs: 600_000,
        dryRun: false,
        reason: 'Dremio did not answer OK within 10 min of the restart',
      },
    ],
  ],
  [
    'blocks with their rule',
    (tl) => tl.blocks.map(({ target, rule, until, need }) => ({ target, rule, until, need })),
    [{ target: C, rule: 'in-flight', until: t(1, 14, 10), need: 'coordinator-down' }],
  ],
  [
    'delivery failures',
    (tl) =>
      tl.deliveryFailures.map(({ channel, failedEventType, attempts, reason }) => ({
        channel,
        failedEventType,
        attempts,
        reason,
      })),
    [
      {
        channel: 'oncall-sms',
        failedEventType: 'REMEDIATION_FAILED',
        attempts: 9,
        reason: 'SNS topic not found',
      },
    ],
  ],
  [
    'maintenance windows',
    (tl) =>
      tl.maintenance.map(({ windowId, from, to, ongoing, owner }) => ({
        windowId,
        from,
        to,
        ongoing,
        owner,
      })),
    [{ windowId: 'os-patch', from: t(3, 0), to: t(4, 0), ongoing: false, owner: 'bob' }],
  ],
  [
    'the audit log: every event, oldest first',
    (tl) => tl.events.map((e) => e.id),
    story.events.map((e) => e.id),
  ],
];

describe('report: buildTimeline on a failover A -> B with remediation of A and an incident still open', () => {
  for (const [name, select, expected] of EXPECTED) {
    it(name, () => assert.deepEqual(select(timeline), expected));
  }

  it('is the same whatever order the events come in, and leaves other clusters out', () => {
    const other = reportStory(S, 'staging').events;
    const shuffled = [...story.events, ...other].reverse();
    assert.deepEqual(buildTimeline(shuffled, { cluster: 'prod', since: S, until: story.until }), timeline);
  });

  it('from a range that starts inside the master incident: no opening, outage from the last sighting', () => {
    const since = t(1, 2);
    const late = buildTimeline(story.events, { cluster: 'prod', since, until: story.until });
    assert.deepEqual(late.masterPeriods[0], {
      address: B,
      from: t(1, 3, 8.5),
      to: t(3, 29, 30),
      fromKnown: true,
      processStart: S - 30 * 86_400_000,
      ongoing: false,
      endedBy: 'MASTER_RESTARTED',
    });
    assert.deepEqual(late.noMaster[0], { from: since, to: t(1, 3, 8.5), ongoing: false });
    const master = late.incidents.find((one) => one.key === story.keys.master);
    assert.equal(master?.openedAt, null);
    assert.equal(master?.durationMs, null);
    assert.equal(master?.resolvedAt, t(1, 3, 10));
    assert.equal(late.failovers[0]?.outageFrom, 'last-seen');
    assert.equal(late.failovers[0]?.outageMs, 105_000);
  });

  it('takes the opening of an incident first seen by a reminder from its facts', () => {
    const late = buildTimeline(story.events, { cluster: 'prod', since: t(1, 30), until: story.until });
    const coordinator = late.incidents.find((one) => one.key === story.keys.coordinator);
    assert.equal(coordinator?.openedAt, t(1, 5));
    assert.equal(coordinator?.openedByType, null);
    assert.equal(coordinator?.acknowledgedBy, 'alice');
  });

  it('an empty log is an empty timeline over the range', () => {
    const empty = buildTimeline([], { cluster: 'prod', until: story.until });
    assert.equal(empty.since, story.until);
    assert.deepEqual([empty.masterPeriods, empty.incidents, empty.events], [[], [], []]);
    assert.match(renderReport(empty, meta), /No event recorded in this range/);
  });
});

describe('report: renderReport', () => {
  const page = renderReport([timeline], meta);

  it('is one self-contained page: inline CSS and SVG, no script, nothing fetched', () => {
    assert.match(page, /^<!doctype html>/);
    assert.match(page, /<style>/);
    assert.match(page, /<svg [^>]*class="timeline"/);
    assert.match(page, /Content-Security-Policy" content="default-src 'none'/);
    assert.doesNotMatch(page, /<script|<link|<img|<iframe|@import|url\(|src=/i);
    assert.doesNotMatch(page, /href="(?!#)/);
  });

  it('shows the cluster, the range, each table and every event', () => {
    for (const text of [
      'Cluster prod',
      '2026-11-21 22:00:00Z',
      'Failovers and master restarts',
      'Incidents',
      'Remediation',
      'Delivery failures',
      'Audit log',
      'alice',
      'oncall-sms',
      'still open',
      '3 min 10 s',
    ]) {
      assert.ok(page.includes(text), text);
    }
    for (const event of story.events) assert.ok(page.includes(event.id), event.type);
  });

  it('draws one bar per master period and one per time without a master', () => {
    const bars = (color: string) => page.split(`fill="${color}"><title>`).length - 1;
    assert.equal(bars('#1f6fb2'), 2);
    assert.equal(bars('#8fb8dc'), 1);
    assert.equal(bars('#c62828'), 2);
  });

  it('escapes every text: summaries, facts, steps, addresses, keys', () => {
    const evil = '<script>alert("x")</script>';
    const events: MonitorEvent[] = story.events.map((event, index) =>
      index === 1
        ? looseEvent({
            ...event,
            summary: evil,
            steps: [evil],
            incidentKey: `prod/master/${evil}`,
            facts: { ...event.facts, note: evil },
          })
        : index === 4
          ? looseEvent({
              ...event,
              facts: { ...event.facts, target: { address: `<img src=x onerror=alert(1)>`, reason: evil } },
            })
          : event,
    );
    const html = renderReport(buildTimeline(events, { cluster: 'prod', since: S, until: story.until }), {
      ...meta,
      title: evil,
    });
    assert.doesNotMatch(html, /<script|<img/i);
    assert.ok(html.includes(escapeHtml(evil)));
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('renders one section per cluster', () => {
    const staging = buildTimeline(reportStory(S, 'staging').events, {
      cluster: 'staging',
      until: story.until,
    });
    const both = renderReport([timeline, staging], meta);
    assert.equal(both.split('<section class="cluster"').length - 1, 2);
    assert.match(both, /<a href="#cluster-staging">staging<\/a>/);
  });

  for (const type of EVENT_TYPES) {
    it(`renders ${type}, alone and with facts of the wrong shape, without throwing`, () => {
      const sample = sampleEvent(type);
      const broken: MonitorEvent = looseEvent({
        ...sample,
        id: `${sample.id.slice(0, -1)}Z`,
        facts: Object.fromEntries(
          Object.keys(sample.facts).map((key) => [key, key === 'from' ? 'x' : { address: 7 }]),
        ),
      });
      for (const events of [[sample], [broken], [broken, sample]]) {
        const tl = buildTimeline(events, { cluster: 'prod', until: Date.parse(sample.at) + HOUR });
        const html = renderReport(tl, meta);
        assert.ok(html.includes(type));
      }
    });
  }

  it('renders all the sample events together', () => {
    const events = EVENT_TYPES.map(sampleEvent);
    const tl = buildTimeline(events, { cluster: 'prod', until: Date.parse('2026-11-23T00:00:00Z') });
    assert.equal(tl.events.length, EVENT_TYPES.length);
    assert.ok(renderReport(tl, meta).includes('SPLIT_BRAIN_SUSPECTED'));
  });
});

const MASTER_TYPES: readonly EventType[] = [
  'MASTER_UNRESPONSIVE',
  'MASTER_RESPONSIVE',
  'MASTER_DOWN',
  'TAKEOVER_OVERDUE',
  'FAILOVER_COMPLETED',
  'MASTER_RESTARTED',
  'MASTER_RETURNED',
  'ZK_SESSION_RENEWED',
  'SPLIT_BRAIN_RESOLVED',
];

/** Master events with any facts, times out of order and facts that disagree with the times. */
const masterEvent = fc
  .record({
    type: fc.constantFrom(...MASTER_TYPES),
    at: fc.integer({ min: 0, max: 10 * HOUR }),
    a: fc.constantFrom('n1', 'n2', 'n3'),
    b: fc.constantFrom('n1', 'n2', 'n3'),
    lastSeen: fc.option(fc.integer({ min: -HOUR, max: 11 * HOUR })),
    detectedMs: fc.option(fc.integer({ min: 0, max: 12 * HOUR })),
    downForMs: fc.option(fc.integer({ min: 0, max: 12 * HOUR })),
    n: fc.nat(),
  })
  .map(
    ({ type, at, a, b, lastSeen, detectedMs, downForMs, n }): MonitorEvent =>
      looseEvent({
        id: `${String(at).padStart(12, '0')}-${n}`,
        cluster: 'prod',
        type,
        severity: 'info',
        at: new Date(S + at).toISOString(),
        incidentKey: `prod/master/${at}`,
        summary: type,
        facts: {
          master: { address: a },
          previous: { address: a },
          from: { address: a },
          to: { address: b },
          ...(lastSeen === null ? {} : { lastSeenAt: new Date(S + lastSeen).toISOString() }),
          ...(detectedMs === null ? {} : { detectedMs }),
          ...(downForMs === null ? {} : { downForMs }),
        },
      }),
  );

describe('report: master periods (property)', () => {
  it('never overlap, are ordered and stay in the range, with the times without a master', () => {
    fc.assert(
      fc.property(
        fc.array(masterEvent, { maxLength: 40 }),
        fc.integer({ min: 0, max: 2 * HOUR }),
        fc.integer({ min: 2 * HOUR, max: 12 * HOUR }),
        (events, since, until) => {
          const tl = buildTimeline(events, { cluster: 'prod', since: S + since, until: S + until });
          const all = [
            ...tl.masterPeriods.map((p) => ({ ...p, what: 'master' })),
            ...tl.noMaster.map((p) => ({ ...p, what: 'none' })),
          ];
          for (const one of all) {
            assert.ok(one.from <= one.to, 'from <= to');
            assert.ok(one.from >= tl.since && one.to <= tl.until, 'within the range');
          }
          const periods = tl.masterPeriods;
          for (let i = 1; i < periods.length; i += 1) {
            assert.ok((periods[i - 1]?.to ?? 0) <= (periods[i]?.from ?? 0), 'ordered, not overlapping');
          }
          assert.ok(
            periods.slice(0, -1).every((p) => !p.ongoing),
            'only the last is ongoing',
          );
          const sorted = all.sort((x, y) => x.from - y.from || x.to - y.to);
          for (let i = 1; i < sorted.length; i += 1) {
            assert.ok(
              (sorted[i - 1]?.to ?? 0) <= (sorted[i]?.from ?? 0),
              'master and no-master never overlap',
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
