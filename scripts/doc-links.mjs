/**
 * The documentation link check (`npm run lint` runs it through scripts/check-doc-links.mjs): every
 * reference to a page of docs/ and every relative markdown link must point at a file of the repository
 * and, with an anchor, at a heading of that page; and nothing may cite notes that live outside the
 * repository. test/unit/doc-links.test.ts runs it on a made-up tree.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';

const SCANNED = new Set(['.ts', '.mjs', '.md', '.json']);
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'cdk.out', '.dremio-ha-monitor', 'dist']);

/** `docs/<page>.md`, optionally with `#anchor`, written as a path from the repository's root. */
const DOCS_REFERENCE = /(?<![\w./-])(docs\/[\w.-]+\.md)(?:#([\w-]+))?/g;
/** `[text](target)` and `![alt](target)` in markdown. */
const MARKDOWN_LINK = /\[[^\]]*\]\(([^)\s]+)\)/g;
/** A relative import specifier: `from '../x'`, `import('../x')`, `import '../x'`. */
const IMPORT_SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])\.{1,2}\/[^'"]*\1/g;

// Built from pieces so that this file does not trip its own check.
const OUTSIDE = [
  { pattern: new RegExp(['dremio-ha', 'facts'].join('-'), 'i'), what: 'a note outside the repository' },
  { pattern: new RegExp(['peer', '[- ]lessons'].join(''), 'i'), what: 'a note outside the repository' },
  { pattern: new RegExp(['/work', '/shared'].join(''), 'i'), what: 'a folder outside the repository' },
];
const PARENT_SHARED = new RegExp(['\\.\\./', 'shared/'].join(''));

/** GitHub's anchor for a heading: lowercase, punctuation dropped (not `-` or `_`), spaces to `-`. */
export function slug(heading) {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a markdown text's headings, outside fenced code, with GitHub's `-1`, `-2`, ... for repeats. */
export function anchors(markdown) {
  const seen = new Map();
  const result = new Set();
  let fence = null;
  for (const line of markdown.split('\n')) {
    const opening = /^\s*(```|~~~)/.exec(line);
    if (opening) {
      if (fence === null) fence = opening[1];
      else if (opening[1] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    if (SKIPPED_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (SCANNED.has(extname(name))) yield path;
  }
}

/** Markdown lines with fenced code blanked out and inline code removed, for finding links. */
function proseLines(text) {
  let fence = null;
  return text.split('\n').map((line) => {
    const opening = /^\s*(```|~~~)/.exec(line);
    if (opening) {
      if (fence === null) fence = opening[1];
      else if (opening[1] === fence) fence = null;
      return '';
    }
    return fence === null ? line.replace(/`[^`]*`/g, '') : '';
  });
}

/**
 * Every dangling reference under `root`, as `file:line: problem` (file relative to root), in file
 * order. Empty when every reference holds.
 */
export function checkDocLinks(root) {
  const top = resolve(root);
  const headingCache = new Map();
  const headingsOf = (path) => {
    if (!headingCache.has(path)) headingCache.set(path, anchors(readFileSync(path, 'utf8')));
    return headingCache.get(path);
  };
  const problems = new Set(); // a link into docs/ is found by both rules: say it once

  /** A problem with `target` (absolute path) and `anchor` (or undefined), else null. */
  const missing = (target, anchor, shown) => {
    if (target !== top && !target.startsWith(top + sep)) return `${shown} is outside the repository`;
    if (!existsSync(target)) return `${shown}: no such file`;
    if (anchor !== undefined && anchor !== '' && target.endsWith('.md') && statSync(target).isFile()) {
      if (!headingsOf(target).has(anchor.toLowerCase()))
        return `${shown}: no heading with the anchor #${anchor}`;
    }
    return null;
  };

  for (const file of files(top)) {
    const from = relative(top, file);
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      const where = `${from}:${index + 1}`;
      for (const match of line.matchAll(DOCS_REFERENCE)) {
        const problem = missing(join(top, match[1]), match[2], match[0]);
        if (problem) problems.add(`${where}: ${problem}`);
      }
      for (const { pattern, what } of OUTSIDE) {
        const found = pattern.exec(line);
        if (found) problems.add(`${where}: "${found[0]}" cites ${what}; cite the repository's own docs`);
      }
      if (PARENT_SHARED.test(line.replace(IMPORT_SPECIFIER, ''))) {
        problems.add(`${where}: a path climbing up to a shared/ folder outside an import statement`);
      }
    });
    if (!file.endsWith('.md')) continue;
    proseLines(text).forEach((line, index) => {
      for (const match of line.matchAll(MARKDOWN_LINK)) {
        const link = match[1].replace(/^<|>$/g, '');
        if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('/')) continue; // URLs, absolute paths
        const hash = link.indexOf('#');
        const path = hash === -1 ? link : link.slice(0, hash);
        const anchor = hash === -1 ? undefined : link.slice(hash + 1);
        const target = path === '' ? file : resolve(dirname(file), decodeURI(path));
        const problem = missing(target, anchor, link);
        if (problem) problems.add(`${from}:${index + 1}: ${problem}`);
      }
    });
  }
  return [...problems];
}
