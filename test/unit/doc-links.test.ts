import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { anchors, checkDocLinks, slug } from '../../scripts/doc-links.mjs';

/** A made-up repository: `files` maps paths to contents. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'doc-links-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  roots.push(root);
  return root;
}
const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Written so that the check, run on this repository, does not read these as references. */
const DOCS = 'docs/';

const GUIDE = "# Guide\n\n## Leader latch\n\n## The failover's ETA\n\n```\n## not a heading\n```\n";

describe('slug', () => {
  it('follows GitHub: lowercase, punctuation dropped, spaces to hyphens', () => {
    assert.equal(slug('Leader latch'), 'leader-latch');
    assert.equal(slug("The failover's ETA"), 'the-failovers-eta');
    assert.equal(slug('Delivery: an outbox that loses nothing'), 'delivery-an-outbox-that-loses-nothing');
    assert.equal(
      slug('Probing a cluster: `dremio-ha-monitor probe`'),
      'probing-a-cluster-dremio-ha-monitor-probe',
    );
  });

  it('numbers repeated headings and ignores fenced code', () => {
    assert.deepEqual([...anchors('## Secrets\n## Secrets\n```\n## Inside\n```\n')], ['secrets', 'secrets-1']);
  });
});

describe('checkDocLinks', () => {
  it('accepts references that hold', () => {
    const root = tree({
      [`${DOCS}guide.md`]: GUIDE,
      [`${DOCS}other.md`]: '# Other\n\nSee [the latch](guide.md#leader-latch) and [the top](#other).\n',
      'README.md': `Read [the guide](${DOCS}guide.md) and [the ETA](${DOCS}guide.md#the-failovers-eta).\n`,
      'shared/a.ts': `import { b } from '../shared/b.ts';\n/** The latch (${DOCS}guide.md#leader-latch). */\n`,
    });
    assert.deepEqual(checkDocLinks(root), []);
  });

  it('names the file, the line and the target of each dangling reference', () => {
    const root = tree({
      [`${DOCS}guide.md`]: GUIDE,
      'README.md': `Intro.\n\nSee [missing](${DOCS}nothing.md) and [anchor](${DOCS}guide.md#no-such-heading).\n`,
      'shared/a.ts': `/** Where (${DOCS}guide.md#not-a-heading). */\n/** Why (${DOCS}gone.md). */\n`,
    });
    const problems = checkDocLinks(root);
    assert.ok(
      problems.some((p) => p.startsWith(`README.md:3: ${DOCS}nothing.md`) && p.includes('no such file')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith(`README.md:3: ${DOCS}guide.md#no-such-heading`)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith('shared/a.ts:1:') && p.includes('#not-a-heading')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith('shared/a.ts:2:') && p.includes(`${DOCS}gone.md`)),
      problems.join('\n'),
    );
    assert.ok(!problems.some((p) => p.includes('#leader-latch')));
  });

  it('refuses citations of notes outside the repository, but not imports', () => {
    const outside = ['dremio-ha', 'facts.md'].join('-');
    const root = tree({
      'test/a.ts': `import { x } from '../../shared/x.ts';\nconst y = await import('../../shared/y.ts');\n`,
      'test/b.ts': `/** Follows ${['..', 'shared', outside].join('/')}. */\n`,
      [`${DOCS}c.md`]: `As the ${['peer', 'lessons'].join(' ')} say.\n`,
    });
    const problems = checkDocLinks(root);
    assert.equal(problems.filter((p) => p.startsWith('test/a.ts')).length, 0, problems.join('\n'));
    assert.equal(problems.filter((p) => p.startsWith('test/b.ts:1:')).length, 2, problems.join('\n'));
    assert.equal(problems.filter((p) => p.startsWith(`${DOCS}c.md:1:`)).length, 1, problems.join('\n'));
  });

  it('passes on this repository', () => {
    assert.deepEqual(checkDocLinks(join(import.meta.dirname, '..', '..')), []);
  });
});
