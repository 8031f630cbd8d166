import { connect } from 'node:net';

/** The ZooKeeper four-letter words this product sends. */
export type FourLetterWord = 'srvr' | 'mntr' | 'ruok' | 'stat';

export type FourLetterAnswer =
  | { readonly kind: 'answered'; readonly text: string; readonly latencyMs: number }
  | { readonly kind: 'unreachable'; readonly reason: string; readonly latencyMs: number };

export interface FourLetterWordOptions {
  /** Bound on the whole exchange: connect, send, read to the server's close. */
  readonly timeoutMs: number;
  /** Answers longer than this are cut (a mntr answer is about 2 KiB). @default 65536 */
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
}

/**
 * Sends one four-letter word and reads the answer until the server closes the connection.
 * Never throws for network trouble: refusals, resets and timeouts come back as `unreachable`.
 */
export function sendFourLetterWord(
  host: string,
  port: number,
  word: FourLetterWord,
  { timeoutMs, maxBytes = 65536, signal }: FourLetterWordOptions,
): Promise<FourLetterAnswer> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = connect({ host, port });
    const finish = (answer: FourLetterAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(answer);
    };
    const onAbort = () => finish({ kind: 'unreachable', reason: 'aborted', latencyMs: elapsed() });
    const timer = setTimeout(
      () => finish({ kind: 'unreachable', reason: `no answer within ${timeoutMs} ms`, latencyMs: elapsed() }),
      timeoutMs,
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('connect', () => socket.write(word));
    socket.on('data', (chunk: Buffer) => {
      if (size < maxBytes) chunks.push(chunk.subarray(0, maxBytes - size));
      size += chunk.length;
    });
    socket.on('end', () =>
      finish({ kind: 'answered', text: Buffer.concat(chunks).toString('utf8'), latencyMs: elapsed() }),
    );
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish({ kind: 'unreachable', reason: error.code ?? error.message, latencyMs: elapsed() }),
    );
  });
}
