import { randomUUID } from 'node:crypto';
import { encodeRegistration, type ServiceSetName } from '../../shared/dremio/registration.ts';

/**
 * The bytes of a plausible Dremio registration in `set` for `address`, for tests and benchmarks that
 * write ZooKeeper directly instead of running emulated nodes.
 */
export function fakeRegistration(set: ServiceSetName, address: string, startTime = Date.now()): Uint8Array {
  return encodeRegistration({
    id: randomUUID(),
    name: set,
    registrationTimeUtc: startTime,
    address,
    userPort: set === 'executor' ? -1 : 31010,
    fabricPort: 45678,
    conduitPort: -1,
    startTime,
    dremioVersion: '25.2.0',
    nodeTag: '',
    availableCores: 8,
    maxDirectMemory: 1,
    roles: { sqlQuery: set !== 'executor', javaExecutor: set === 'executor', master: set === 'master' },
  });
}
