import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP endpoint on 127.0.0.1 for channels that POST JSON (a Teams workflow, a webhook
 * receiver): it records every request with its raw body and answers as scripted, one answer per
 * request, else as `accept` decides (default 202).
 */

export interface ReceivedPost {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  readonly status: number;
}

export interface ScriptedReply {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpReceiver {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: readonly ReceivedPost[];
  answer(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

/** A request as the receiver got it, before it is answered. */
export type IncomingPost = Omit<ReceivedPost, 'status'>;

export async function startHttpReceiver(
  accept: (request: IncomingPost) => ScriptedReply = () => ({ status: 202 }),
): Promise<HttpReceiver> {
  const requests: ReceivedPost[] = [];
  const queue: ScriptedReply[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const incoming: IncomingPost = {
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        headers: request.headers,
        raw: Buffer.concat(chunks).toString('utf8'),
      };
      const reply = queue.shift() ?? accept(incoming);
      requests.push({ ...incoming, status: reply.status });
      response.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
      response.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (...replies) => queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
