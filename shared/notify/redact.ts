/**
 * Keeps secrets (webhook URLs, bot tokens) out of every reason and error message: an undici error
 * may quote the URL it failed on, and a reason ends up in logs and in the audit log.
 */

const MASK = '[redacted]';
const MIN_FRAGMENT = 6;
/** A cut-off secret this long or longer is masked; shorter beginnings say nothing useful. */
const PARTIAL_MIN = 4;

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
      // A plain word (`services`, `hooks`) is no secret, and masking it would mask Slack's own words.
      if (segment.length >= 8 && !/^[a-z]+$/.test(segment)) fragments.add(segment);
    }
    if (url.search.length > 1) fragments.add(url.search.slice(1));
    // A signature in the query (`sig=` of a Teams workflow URL) is a secret on its own.
    for (const value of url.searchParams.values()) if (value.length >= 8) fragments.add(value);
  } catch {
    // not a URL: a token
  }
  return [...fragments].filter((fragment) => fragment.length >= MIN_FRAGMENT && fragment !== '/');
}

/**
 * `text` with every form of `secrets` masked, and a secret cut off at the end of `text` (a body read
 * up to a byte cap, an excerpt) masked too: what is kept of a secret must not be its first characters.
 * Redact first, shorten after.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  const fragments = secrets.flatMap(secretFragments).sort((a, b) => b.length - a.length);
  for (const fragment of fragments) result = result.split(fragment).join(MASK);
  for (const pattern of PATTERNS) result = result.replace(pattern, MASK);
  for (const fragment of fragments) result = maskCutOff(result, fragment);
  return result;
}

/** Masks the longest beginning of `fragment` (at least PARTIAL_MIN characters) that ends `text`. */
function maskCutOff(text: string, fragment: string): string {
  for (let length = Math.min(fragment.length - 1, text.length); length >= PARTIAL_MIN; length -= 1) {
    if (text.endsWith(fragment.slice(0, length))) return `${text.slice(0, text.length - length)}${MASK}`;
  }
  return text;
}
