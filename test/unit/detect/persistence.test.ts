import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isMaterialChange } from '../../../shared/detect/persistence.ts';
import type { DetectorState } from '../../../shared/detect/state.ts';
import { masterDown } from '../../support/detect-fixtures.ts';

const VOLATILE = [
  'lastObservedAt',
  'lastHttpObservedAt',
  'lastZooKeeperObservedAt',
  'clockAt',
  'lastSeenAt',
  'lastAnsweredAt',
];
const asState = (value: unknown) => value as DetectorState;

/** The obvious definition: drop bookkeeping keys everywhere, then compare as JSON with sorted keys. */
function reference(a: unknown, b: unknown): boolean {
  const material = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(material);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.keys(value)
        .filter((key) => !VOLATILE.includes(key))
        .sort()
        .map((key) => [key, material((value as Record<string, unknown>)[key])]),
    );
  };
  return JSON.stringify(material(a)) !== JSON.stringify(material(b));
}

describe('isMaterialChange: only judgements are written, not bookkeeping', () => {
  const base = {
    schemaVersion: 1,
    clockAt: 1,
    master: { lastSeenAt: 5, id: 'a' },
    incidents: [{ key: 'k' }],
  };
  const cases: Array<[string, unknown, boolean]> = [
    ['the same state', structuredClone(base), false],
    ['only the clock moved', { ...base, clockAt: 99 }, false],
    ['a nested bookkeeping time moved', { ...base, master: { lastSeenAt: 6, id: 'a' } }, false],
    ['bookkeeping appeared', { ...base, lastAnsweredAt: 3 }, false],
    ['the master changed', { ...base, master: { lastSeenAt: 5, id: 'b' } }, true],
    ['an incident opened', { ...base, incidents: [{ key: 'k' }, { key: 'j' }] }, true],
    ['an incident changed', { ...base, incidents: [{ key: 'k', acknowledged: true }] }, true],
    ['a key was removed', { schemaVersion: 1, clockAt: 1, master: { lastSeenAt: 5, id: 'a' } }, true],
    [
      'the keys in another order',
      { incidents: [{ key: 'k' }], master: { id: 'a', lastSeenAt: 5 }, schemaVersion: 1, clockAt: 1 },
      false,
    ],
    ['an undefined key is no key', { ...base, note: undefined }, false],
    ['null is not an empty object', { ...base, master: null }, true],
    ['an array is not an object', { ...base, incidents: { 0: { key: 'k' } } }, true],
  ];
  for (const [name, next, changed] of cases) {
    it(`${name} -> ${changed ? 'write' : 'no write'}`, () => {
      assert.equal(isMaterialChange(asState(base), asState(next)), changed);
    });
  }

  it('a first decision is always written', () => {
    assert.equal(isMaterialChange(null, masterDown().state), true);
  });

  it('a real state against its own copy with every clock moved is no change', () => {
    const { state } = masterDown();
    const moved = JSON.parse(JSON.stringify(state), (key, value) =>
      VOLATILE.includes(key) && typeof value === 'number' ? value + 1000 : value,
    );
    assert.equal(isMaterialChange(state, moved), false);
  });

  it('agrees with the obvious definition on any JSON values (property)', () => {
    const withBookkeeping = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(fc.constantFrom(...VOLATILE, 'id', 'x'), fc.jsonValue()),
    );
    fc.assert(
      fc.property(withBookkeeping, withBookkeeping, (a, b) => {
        fc.pre(a !== null); // null is the first decision, always written
        assert.equal(isMaterialChange(asState(a), asState(b)), reference(a, b));
        assert.equal(isMaterialChange(asState(a), asState(structuredClone(a))), false);
      }),
      { numRuns: 500 },
    );
  });
});
