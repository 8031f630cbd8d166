import { classifyAwsError, redactSecrets } from '../aws/errors.ts';

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
  /**
   * The same operation may succeed if tried again: its cause was throttling, an AWS fault, the
   * network or a timeout. False for a bug, a missing table, a refused permission or credentials.
   */
  readonly retryable: boolean;
  /** The DynamoDB request that failed, when AWS answered. */
  readonly requestId: string | undefined;

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
    const verdict = details.cause === undefined ? undefined : classifyAwsError(details.cause);
    // An error that is no answer from AWS and no network failure is the store's own: a bug.
    this.retryable = verdict !== undefined && verdict.kind !== 'unknown' && verdict.retryable;
    this.requestId = verdict?.facts.requestId;
  }
}

export function formatKey(key: ItemKey): string {
  return `pk=${JSON.stringify(key.pk)} sk=${JSON.stringify(key.sk)}`;
}

/** The cause as text, without secrets (a SignatureDoesNotMatch message quotes the signed request). */
function describeCause(cause: unknown): string {
  return redactSecrets(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause));
}
