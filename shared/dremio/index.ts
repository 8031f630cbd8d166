export { LATCH_PREFIX, type LatchParticipant, latchSequence, orderLatchParticipants } from './latch.ts';
export { type ZnodeLocation, type ZnodePaths, znodePaths } from './paths.ts';
export {
  type DecodeResult,
  decodeRegistration,
  encodeRegistration,
  type NodeRoles,
  type Registration,
  type ServiceSetName,
} from './registration.ts';
