/**
 * Plain ASCII lines for the parts of an SNS message that must be ASCII (the `Subject`) or should
 * be (an SMS: one non-GSM character halves what fits in a text).
 */

/**
 * SNS's limit on a `Subject` ("ASCII text ... less than 100 characters long"): 99 satisfies both
 * readings of the documentation.
 */
export const SUBJECT_MAX_LENGTH = 99;

/** What a subject of nothing becomes. */
const EMPTY_SUBJECT = 'Dremio HA monitor notification';

/** Typography that has a usual ASCII spelling; anything else outside ASCII becomes `?`. */
const REPLACEMENTS: Readonly<Record<string, string>> = {
  '\u2192': '->',
  '\u21d2': '=>',
  '\u2190': '<-',
  '\u2026': '...',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u2032': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2033': '"',
  '\u00ab': '"',
  '\u00bb': '"',
  '\u2022': '*',
  '\u00b7': '*',
  '\u00d7': 'x',
  '\u00df': 'ss',
  '\u00e6': 'ae',
  '\u00c6': 'AE',
  '\u0153': 'oe',
  '\u0152': 'OE',
  '\u00f8': 'o',
  '\u00d8': 'O',
  '\u0142': 'l',
  '\u0141': 'L',
  '\u00b0': ' deg',
};

/** ASCII punctuation (Unicode category P): what SNS accepts as the first character besides letters and digits. */
const LEADING_OK = /^[A-Za-z0-9!"#%&'()*,\-./:;?@[\\\]_{}]/;

/**
 * One line of printable ASCII: accents dropped (`é` -> `e`), common typography spelled out
 * (`→` -> `->`, `…` -> `...`), other characters `?`, control characters and line breaks a space,
 * whitespace runs collapsed, trimmed.
 */
export function toAsciiLine(text: string): string {
  const decomposed = text.normalize('NFKD').replace(/\p{M}/gu, '');
  let out = '';
  for (const char of decomposed) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x20 && code <= 0x7e) out += char;
    else if (code < 0x20 || code === 0x7f || /\s/u.test(char) || (code >= 0x80 && code < 0xa0)) out += ' ';
    else out += REPLACEMENTS[char] ?? '?';
  }
  return out.replace(/ {2,}/g, ' ').trim();
}

/**
 * `text` in at most `max` characters: cut at a word when one ends near the limit, then `...`.
 * Counts UTF-16 code units: callers pass ASCII.
 */
export function fitLine(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = max - 3;
  const cut = text.slice(0, room);
  const space = cut.lastIndexOf(' ');
  const head = space >= room - 20 && space > 0 ? cut.slice(0, space) : cut;
  return `${head.trimEnd()}...`;
}

/**
 * A valid SNS `Subject` from any text: printable ASCII, no line breaks, starting with a letter, a
 * digit or punctuation, at most SUBJECT_MAX_LENGTH characters, never empty.
 */
export function sanitizeSubject(text: string): string {
  let line = toAsciiLine(text);
  while (line.length > 0 && !LEADING_OK.test(line)) line = line.slice(1).trimStart();
  return fitLine(line.length > 0 ? line : EMPTY_SUBJECT, SUBJECT_MAX_LENGTH);
}

/** True when SNS would accept `subject` (the rules sanitizeSubject follows). */
export function isValidSubject(subject: string): boolean {
  return (
    subject.length > 0 &&
    subject.length <= SUBJECT_MAX_LENGTH &&
    /^[\x20-\x7e]*$/.test(subject) &&
    LEADING_OK.test(subject)
  );
}
