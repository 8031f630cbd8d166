/**
 * Fails (exit 1, naming file:line and the missing target) when a reference in the repository
 * dangles: a `docs/<page>.md#anchor` with no such page or heading, a relative markdown link to
 * nothing, or a citation of notes outside the repository. Run by `npm run lint`; the logic is in
 * scripts/doc-links.mjs.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDocLinks } from './doc-links.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const problems = checkDocLinks(root);
if (problems.length > 0) {
  console.error(`check-doc-links: ${problems.length} dangling reference(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('check-doc-links: every documentation reference holds');
