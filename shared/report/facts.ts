/** Readers of event facts: facts are plain JSON of unknown shape (older events, other versions). */

type Facts = Readonly<Record<string, unknown>>;

export function record(facts: Facts | undefined, key: string): Facts | undefined {
  const value = facts?.[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Facts) : undefined;
}

export function text(facts: Facts | undefined, key: string): string | null {
  const value = facts?.[key];
  return typeof value === 'string' ? value : null;
}

export function number(facts: Facts | undefined, key: string): number | null {
  const value = facts?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function bool(facts: Facts | undefined, key: string): boolean | null {
  const value = facts?.[key];
  return typeof value === 'boolean' ? value : null;
}

/** An ISO time fact as epoch ms; null when absent or not a time. */
export function time(facts: Facts | undefined, key: string): number | null {
  const value = text(facts, key);
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** `facts[key].address`: the node a fact names (master, from, to, previous, target). */
export function addressOf(facts: Facts | undefined, key: string): string | null {
  return text(record(facts, key), 'address');
}
