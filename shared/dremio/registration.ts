import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

/** The three ZooKeeper service sets Dremio registers nodes in (docs/dremio-ha.md#registrations). */
export type ServiceSetName = 'master' | 'coordinator' | 'executor';

export interface NodeRoles {
  readonly sqlQuery: boolean;
  readonly javaExecutor: boolean;
  readonly master: boolean;
}

/** A decoded `DremioServiceInstance`: one znode under `B/master`, `B/coordinator` or `B/executor`. */
export interface Registration {
  /** The registration UUID, equal to the znode name. */
  readonly id: string;
  readonly name: ServiceSetName | string;
  readonly registrationTimeUtc: number;
  readonly address: string;
  readonly userPort: number;
  readonly fabricPort: number;
  readonly conduitPort: number;
  /** Milliseconds since the epoch when the node's endpoint was built: changes with every process start. */
  readonly startTime: number;
  readonly dremioVersion: string;
  readonly nodeTag: string;
  readonly availableCores: number;
  readonly maxDirectMemory: number;
  readonly roles: NodeRoles;
}

export type DecodeResult =
  | { readonly kind: 'ok'; readonly registration: Registration }
  | { readonly kind: 'invalid'; readonly reason: string };

const protoText = readFileSync(new URL('./coordination.proto', import.meta.url), 'utf8');
const root = protobuf.parse(protoText, { keepCase: true }).root;
const DremioServiceInstance = root.lookupType('exec.DremioServiceInstance');

/** Encodes a registration exactly as Dremio's `ServiceInstanceHelper.SERIALIZER` writes it. */
export function encodeRegistration(registration: Registration): Uint8Array {
  const message = DremioServiceInstance.fromObject({
    id: registration.id,
    registration_time_UTC: registration.registrationTimeUtc,
    name: registration.name,
    endpoint: {
      address: registration.address,
      user_port: registration.userPort,
      fabric_port: registration.fabricPort,
      // Dremio writes only these three roles; the others are left absent and decode to true.
      roles: {
        sql_query: registration.roles.sqlQuery,
        java_executor: registration.roles.javaExecutor,
        master: registration.roles.master,
      },
      start_time: registration.startTime,
      max_direct_memory: registration.maxDirectMemory,
      available_cores: registration.availableCores,
      node_tag: registration.nodeTag,
      conduit_port: registration.conduitPort,
      dremio_version: registration.dremioVersion,
    },
  });
  return DremioServiceInstance.encode(message).finish();
}

interface DecodedEndpoint {
  address?: string;
  user_port?: number;
  fabric_port?: number;
  conduit_port?: number;
  start_time?: number;
  dremio_version?: string;
  node_tag?: string;
  available_cores?: number;
  max_direct_memory?: number;
  roles?: { sql_query?: boolean; java_executor?: boolean; master?: boolean };
}

interface DecodedInstance {
  id?: string;
  name?: string;
  registration_time_UTC?: number;
  endpoint?: DecodedEndpoint;
}

/**
 * Decodes a service-instance znode's bytes. Bad bytes are an expected observation (a foreign writer,
 * a truncated write, Curator's JSON serializer), so they come back as a value naming what is wrong.
 */
export function decodeRegistration(bytes: Uint8Array | null | undefined): DecodeResult {
  if (!bytes || bytes.length === 0) return { kind: 'invalid', reason: 'empty znode data' };
  let decoded: DecodedInstance;
  try {
    const message = DremioServiceInstance.decode(bytes);
    decoded = DremioServiceInstance.toObject(message, { longs: Number, defaults: true }) as DecodedInstance;
  } catch (error) {
    return { kind: 'invalid', reason: `not a DremioServiceInstance protobuf: ${(error as Error).message}` };
  }
  const endpoint = decoded.endpoint;
  if (!endpoint) return { kind: 'invalid', reason: 'DremioServiceInstance has no endpoint (field 3)' };
  if (!endpoint.address) return { kind: 'invalid', reason: 'NodeEndpoint has no address (field 1)' };
  if (!endpoint.start_time) return { kind: 'invalid', reason: 'NodeEndpoint has no start_time (field 101)' };
  return {
    kind: 'ok',
    registration: {
      id: decoded.id ?? '',
      name: decoded.name ?? '',
      registrationTimeUtc: decoded.registration_time_UTC ?? 0,
      address: endpoint.address,
      userPort: endpoint.user_port ?? 0,
      fabricPort: endpoint.fabric_port ?? 0,
      conduitPort: endpoint.conduit_port ?? 0,
      startTime: endpoint.start_time,
      dremioVersion: endpoint.dremio_version ?? '',
      nodeTag: endpoint.node_tag ?? '',
      availableCores: endpoint.available_cores ?? 0,
      maxDirectMemory: endpoint.max_direct_memory ?? 0,
      roles: {
        sqlQuery: endpoint.roles?.sql_query ?? true,
        javaExecutor: endpoint.roles?.java_executor ?? true,
        master: endpoint.roles?.master ?? false,
      },
    },
  };
}
