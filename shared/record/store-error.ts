/** The primary key of one item of the store's table. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/**
 * A store operation that failed for a reason other than an expected condition (a conflict or a held
 * lease are values, never this): a bug, a table that does not exist, a network or permission failure.
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly table: string;
  readonly key: ItemKey | undefined;

  constructor(message: string, details: { table: string; key?: ItemKey; cause?: unknown }) {
    const where = details.key
      ? `table "${details.table}" key ${formatKey(details.key)}`
      : `table "${details.table}"`;
    const because = details.cause === undefined ? '' : `: ${describeCause(details.cause)}`;
    super(
      `${message} (${where})${because}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.table = details.table;
    this.key = details.key;
  }
}

export function formatKey(key: ItemKey): string {
  return `pk=${JSON.stringify(key.pk)} sk=${JSON.stringify(key.sk)}`;
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}
