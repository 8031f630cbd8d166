import type { Store } from '../../shared/record/store.ts';

/** A store built on its first call: the init phase loads no SDK package for it. */
export function lazyStore(build: () => Promise<Store>): Store {
  let built: Promise<Store> | undefined;
  const store = () => {
    built ??= build().catch((error: unknown) => {
      // A failed load is tried again on the next call, not cached for the container's life.
      built = undefined;
      throw error;
    });
    return built;
  };
  return {
    load: async (...args) => (await store()).load(...args),
    commit: async (...args) => (await store()).commit(...args),
    pendingDeliveries: async (...args) => (await store()).pendingDeliveries(...args),
    saveDelivery: async (...args) => (await store()).saveDelivery(...args),
    incidentRoute: async (...args) => (await store()).incidentRoute(...args),
    saveThread: async (...args) => (await store()).saveThread(...args),
    events: async (...args) => (await store()).events(...args),
    clusters: async () => (await store()).clusters(),
    acquireLease: async (...args) => (await store()).acquireLease(...args),
    releaseLease: async (...args) => (await store()).releaseLease(...args),
  };
}
