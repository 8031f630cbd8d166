import type { MasterFacts, MasterIdentity } from '../events/facts.ts';

import type { MasterRecord } from './state.ts';

export function identityOf(master: MasterRecord): MasterIdentity {
  return { address: master.address, fabricPort: master.fabricPort, startTime: master.startTime };
}

/** The identity, registration and session of a master, for facts. */
export function masterFacts(master: MasterRecord): MasterFacts {
  return {
    ...identityOf(master),
    startedAt: new Date(master.startTime).toISOString(),
    registeredAt: new Date(master.registeredAt).toISOString(),
    version: master.version,
    znode: master.znode,
    ephemeralOwner: master.ephemeralOwner,
  };
}

export function sameIdentity(a: MasterIdentity, b: MasterIdentity): boolean {
  return a.address === b.address && a.fabricPort === b.fabricPort && a.startTime === b.startTime;
}

/** `coord-a.corp (fabric 45678)`. */
export function nameOf(master: MasterIdentity): string {
  return `${master.address} (fabric ${master.fabricPort})`;
}
