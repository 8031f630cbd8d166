import type { Store } from '../../shared/record/index.ts';

/** A store that counts its commits and remembers when (epoch ms) each event was committed (for tests and benchmarks). */
export function recordingStore(store: Store) {
  const committedAt = new Map<string, number>();
  let commits = 0;
  const commit: Store['commit'] = async (cluster, version, state, events, outbox) => {
    commits += 1;
    const result = await store.commit(cluster, version, state, events, outbox);
    if (result.kind === 'committed') for (const event of events) committedAt.set(event.id, Date.now());
    return result;
  };
  const recording = new Proxy(store, {
    get(target, property) {
      if (property === 'commit') return commit;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: recording, committedAt, commits: () => commits };
}
