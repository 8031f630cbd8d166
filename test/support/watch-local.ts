/**
 * A `watch` process whose restarts go through the local executor to the test that started it: the
 * executor asks the test's control server (`POST <control>/restart?address=`) to restart the emulated
 * node, and (`GET <control>/running?address=`) whether it runs. So a test can SIGKILL the monitor in
 * the middle of a restart, as it would a real `dremio-ha-monitor watch`. Arguments (JSON in argv[2]):
 * the configuration file, the store endpoint and table, the control URL.
 */
import { readFile } from 'node:fs/promises';
import { parseConfig } from '../../shared/config/index.ts';
import { startMonitorLoop } from '../../shared/monitor/monitor-loop.ts';
import { ClusterObserver } from '../../shared/observe/observer.ts';
import { isDeadLocalOwner, localOwner } from '../../shared/record/local-owner.ts';
import { connectStore } from '../../shared/record/local-store.ts';
import { LocalExecutor } from '../../shared/remediate/local/index.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  config: string;
  endpoint: string;
  table: string;
  control: string;
};
const config = parseConfig(JSON.parse(await readFile(options.config, 'utf8')), options.config);
const connected = connectStore({ endpoint: options.endpoint, tableName: options.table });
const ask = async (path: string, address: string, method: 'GET' | 'POST') => {
  const response = await fetch(`${options.control}${path}?address=${encodeURIComponent(address)}`, {
    method,
  });
  if (!response.ok) throw new Error(`control ${path} answered ${response.status}`);
  return response.text();
};
const executor = new LocalExecutor({
  restart: async (target) => void (await ask('/restart', target.address, 'POST')),
  isRunning: async (target) => (await ask('/running', target.address, 'GET')) === 'yes',
});
const loop = startMonitorLoop({
  clusters: config.clusters,
  store: connected.store,
  observer: new ClusterObserver(),
  notifiers: new Map(),
  owner: localOwner(),
  holderIsDead: (holder) => isDeadLocalOwner(holder),
  executorFor: () => executor,
  verifyPollMs: 250,
  onEvents: (_cluster, events) => {
    for (const event of events)
      process.stdout.write(`${JSON.stringify({ type: event.type, id: event.id })}\n`);
  },
});
await loop.ready;
process.stderr.write('watching\n');
