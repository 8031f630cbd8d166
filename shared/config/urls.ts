/**
 * What a URL in the configuration may be, as plain predicates (no zod): the schema refuses a file
 * with a wrong one, and the notifiers check again what reaches them from a secret or from code.
 */

export function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** http or https, with a host, without credentials. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const url = parseUrl(value);
  return (
    url !== undefined &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.hostname !== '' &&
    url.username === '' &&
    url.password === ''
  );
}

/** A service endpoint: https, or plain http only on this host (a local receiver, a test). */
export function isServiceUrl(value: unknown): value is string {
  if (!isHttpUrl(value)) return false;
  const url = parseUrl(value) as URL;
  return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** An Alertmanager's base URL: often plain http inside a network; no credentials, query or fragment. */
export function isAlertmanagerUrl(value: unknown): value is string {
  if (!isHttpUrl(value)) return false;
  const url = parseUrl(value) as URL;
  return url.search === '' && url.hash === '';
}
