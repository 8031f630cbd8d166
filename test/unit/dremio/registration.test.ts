import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import {
  decodeRegistration,
  encodeRegistration,
  type Registration,
} from '../../../shared/dremio/registration.ts';

const sample: Registration = {
  id: '3f1c2a64-8a4e-4a8e-9a43-0d6a2f1b7c11',
  name: 'master',
  registrationTimeUtc: 1_718_000_000_123,
  address: 'coord-a.corp',
  userPort: 31010,
  fabricPort: 45678,
  conduitPort: 40123,
  startTime: 1_718_000_000_001,
  dremioVersion: '25.2.0-202410241428110223-a0e1b1f7',
  nodeTag: 'blue',
  availableCores: 16,
  maxDirectMemory: 8 * 1024 ** 3,
  roles: { sqlQuery: true, javaExecutor: false, master: true },
};

/** Builds the bytes field by field with Dremio's field numbers, independently of coordination.proto. */
function handWritten(): Uint8Array {
  const roles = protobuf.Writer.create();
  roles.uint32((1 << 3) | 0).bool(true); // sql_query
  roles.uint32((4 << 3) | 0).bool(false); // java_executor
  roles.uint32((100 << 3) | 0).bool(true); // master
  const endpoint = protobuf.Writer.create();
  endpoint.uint32((1 << 3) | 2).string('coord-b.corp'); // address
  endpoint.uint32((2 << 3) | 0).int32(31010); // user_port
  endpoint.uint32((3 << 3) | 0).int32(45679); // fabric_port
  endpoint.uint32((5 << 3) | 2).bytes(roles.finish()); // roles
  endpoint.uint32((101 << 3) | 0).int64(1_718_000_999_000); // start_time
  endpoint.uint32((106 << 3) | 0).int32(-1); // conduit_port
  endpoint.uint32((203 << 3) | 2).string('24.3.0'); // dremio_version
  const instance = protobuf.Writer.create();
  instance.uint32((1 << 3) | 2).string('b-uuid'); // id
  instance.uint32((2 << 3) | 0).int64(1_718_000_999_500); // registration_time_UTC
  instance.uint32((3 << 3) | 2).bytes(endpoint.finish()); // endpoint
  instance.uint32((4 << 3) | 2).string('master'); // name
  return instance.finish();
}

describe('DremioServiceInstance codec', () => {
  it('decodes bytes written with the field numbers of Dremio Coordination.proto', () => {
    const result = decodeRegistration(handWritten());
    assert.equal(result.kind, 'ok');
    assert.ok(result.kind === 'ok');
    assert.deepEqual(result.registration, {
      id: 'b-uuid',
      name: 'master',
      registrationTimeUtc: 1_718_000_999_500,
      address: 'coord-b.corp',
      userPort: 31010,
      fabricPort: 45679,
      conduitPort: -1,
      startTime: 1_718_000_999_000,
      dremioVersion: '24.3.0',
      nodeTag: '',
      availableCores: 0,
      maxDirectMemory: 0,
      roles: { sqlQuery: true, javaExecutor: false, master: true },
    });
  });

  it('encodes the start time under field 101 of the endpoint (field 3)', () => {
    const bytes = encodeRegistration(sample);
    const reader = protobuf.Reader.create(bytes);
    let endpoint: Uint8Array | undefined;
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === 3) endpoint = reader.bytes();
      else reader.skipType(tag & 7);
    }
    assert.ok(endpoint, 'field 3 present');
    const inner = protobuf.Reader.create(endpoint);
    const seen = new Map<number, unknown>();
    while (inner.pos < inner.len) {
      const tag = inner.uint32();
      const field = tag >>> 3;
      if (field === 101) seen.set(field, Number(inner.int64()));
      else if (field === 1) seen.set(field, inner.string());
      else inner.skipType(tag & 7);
    }
    assert.equal(seen.get(101), sample.startTime);
    assert.equal(seen.get(1), sample.address);
  });

  it('round-trips any registration', () => {
    const registration = fc.record({
      id: fc.uuid(),
      name: fc.constantFrom('master', 'coordinator', 'executor'),
      registrationTimeUtc: fc.integer({ min: 1, max: 2 ** 50 }),
      address: fc.string({ minLength: 1, maxLength: 80 }),
      userPort: fc.integer({ min: -1, max: 65535 }),
      fabricPort: fc.integer({ min: 1, max: 65535 }),
      conduitPort: fc.integer({ min: -1, max: 65535 }),
      startTime: fc.integer({ min: 1, max: 2 ** 50 }),
      dremioVersion: fc.string({ maxLength: 40 }),
      nodeTag: fc.string({ maxLength: 20 }),
      availableCores: fc.integer({ min: 0, max: 1024 }),
      maxDirectMemory: fc.integer({ min: 0, max: 2 ** 50 }),
      roles: fc.record({ sqlQuery: fc.boolean(), javaExecutor: fc.boolean(), master: fc.boolean() }),
    });
    fc.assert(
      fc.property(registration, (generated) => {
        // fast-check builds records without a prototype; compare plain objects.
        const value: Registration = { ...generated, roles: { ...generated.roles } };
        assert.deepEqual(decodeRegistration(encodeRegistration(value)), { kind: 'ok', registration: value });
      }),
    );
  });

  it('reports garbage, empty data and Curator JSON as invalid, naming the problem', () => {
    const cases: Array<[Uint8Array | null, RegExp]> = [
      [null, /empty znode data/],
      [new Uint8Array(), /empty znode data/],
      [
        Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        /not a DremioServiceInstance/,
      ],
      [
        Buffer.from('{"name":"master","address":"coord-a","port":9047}'),
        /not a DremioServiceInstance|no endpoint/,
      ],
      [encodeRegistration({ ...sample, address: '' }), /no address/],
    ];
    for (const [bytes, reason] of cases) {
      const result = decodeRegistration(bytes);
      assert.equal(result.kind, 'invalid');
      assert.match(result.kind === 'invalid' ? result.reason : '', reason);
    }
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const result = decodeRegistration(bytes);
        assert.ok(result.kind === 'ok' || result.reason.length > 0);
      }),
    );
  });
});
