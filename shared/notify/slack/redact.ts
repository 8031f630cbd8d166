/**
 * Keeps secrets (webhook URLs, bot tokens) out of every reason and error message: an undici error
 * may quote the URL it failed on, and a reason ends up in logs and in the audit log.
 */

const MASK = '[redacted]';
const MIN_FRAGMENT = 6;

/** Slack webhook paths and tokens, wherever they come from: a second net under the exact secrets. */
const PATTERNS = [
  /https?:\/\/[^\s'"<>]*\/services\/[^\s'"<>]+/gi,
  /\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/g,
  /xox[a-z]-[A-Za-z0-9-]+/g,
  /xapp-[A-Za-z0-9-]+/g,
];

/** The forms a secret can take in a message: as given, normalised, encoded, and its path. */
export function secretFragments(secret: string): string[] {
  const fragments = new Set<string>([secret, encodeURIComponent(secret)]);
  try {
    const url = new URL(secret);
    fragments.add(url.href);
    fragments.add(`${url.pathname}${url.search}`);
    fragments.add(encodeURIComponent(url.href));
    for (const segment of url.pathname.split('/')) {
      if (segment.length >= 8) fragments.add(segment);
    }
    if (url.search.length > 1) fragments.add(url.search.slice(1));
  } catch {
    // not a URL: a token
  }
  return [...fragments].filter((fragment) => fragment.length >= MIN_FRAGMENT && fragment !== '/');
}

export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  const fragments = secrets.flatMap(secretFragments).sort((a, b) => b.length - a.length);
  for (const fragment of fragments) result = result.split(fragment).join(MASK);
  for (const pattern of PATTERNS) result = result.replace(pattern, MASK);
  return result;
}
