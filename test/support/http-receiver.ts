import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP endpoint on 127.0.0.1 for channels that POST JSON (a Teams workflow, a webhook
 * receiver): it records every request with its raw body and answers as scripted, one answer per
 * request, else as `accept` decides (default 202).
 */

export interface ReceivedPost {
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

export async function startHttpReceiver(
  accept: (path: string, headers: IncomingHttpHeaders, raw: string) => ScriptedReply = () => ({
    status: 202,
  }),
): Promise<HttpReceiver> {
  const requests: ReceivedPost[] = [];
  const queue: ScriptedReply[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      const reply = queue.shift() ?? accept(path, request.headers, raw);
      requests.push({ path, headers: request.headers, raw, status: reply.status });
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
