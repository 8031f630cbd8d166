import type { FailoverResult } from './scenario.ts';

/** The failover as a table of milestones after the SIGKILL, then the latencies that matter. */
export function printTimeline(result: FailoverResult, print: (line: string) => void): void {
  const after = (at: number) => `+${String(at - result.killedAt).padStart(6)} ms`;
  print('Timeline (from the SIGKILL):');
  for (const milestone of result.milestones) {
    print(`  ${after(milestone.at)}  ${milestone.source.padEnd(9)}  ${milestone.what}`);
  }
  const first = (prefix: string, source: string) =>
    result.milestones.find((one) => one.source === source && one.what.startsWith(prefix))?.at;
  const figures: Array<[string, number | undefined, number | undefined]> = [
    ['SIGKILL -> MASTER_UNRESPONSIVE recorded', result.killedAt, first('MASTER_UNRESPONSIVE', 'audit log')],
    ['SIGKILL -> MASTER_DOWN recorded', result.killedAt, first('MASTER_DOWN', 'audit log')],
    ['SIGKILL -> new master serving', result.killedAt, first('master-b answers', 'dremio')],
    [
      'new master registered -> FAILOVER_COMPLETED recorded',
      first('master-b elected', 'dremio'),
      first('FAILOVER_COMPLETED', 'audit log'),
    ],
    [
      'FAILOVER_COMPLETED recorded -> in Slack',
      first('FAILOVER_COMPLETED', 'audit log'),
      first('Slack got FAILOVER_COMPLETED', 'slack'),
    ],
    [
      'SIGKILL -> failed master back as a standby',
      result.killedAt,
      first('the restarted master-a', 'dremio'),
    ],
  ];
  print('\nLatencies:');
  for (const [label, from, to] of figures) {
    print(`  ${label.padEnd(52)} ${from === undefined || to === undefined ? 'n/a' : `${to - from} ms`}`);
  }
  print(
    `\nThe timeline's ${result.milestones.filter((one) => one.eventId).length} event lines ${result.matches ? 'match' : 'DO NOT match'} the audit log.`,
  );
}
