import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { clusterOfIncidentKey, incidentKeyOf } from '../../../shared/events/build.ts';

describe('incident keys', () => {
  it('name their cluster before the first "/", whatever follows', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/),
        fc.constantFrom('master', 'coordinator', 'remediation', 'delivery'),
        fc.string({ maxLength: 80 }),
        (cluster, segment, name) => {
          assert.equal(clusterOfIncidentKey(incidentKeyOf(cluster, segment, name)), cluster);
        },
      ),
    );
  });

  it('is the whole text when there is no "/" (the CLI then says no such cluster)', () => {
    assert.equal(clusterOfIncidentKey('prod'), 'prod');
    assert.equal(clusterOfIncidentKey(''), '');
  });
});
