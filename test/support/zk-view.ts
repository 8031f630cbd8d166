import { decodeRegistration, type Registration } from '../../shared/dremio/registration.ts';
import { ownerOf, ZooKeeperSession } from '../../shared/zookeeper/session.ts';

/** The test's own session, to read what the emulated nodes wrote: a 4 s session, 5 s to connect. */
export function openReader(connect: string): Promise<ZooKeeperSession> {
  return ZooKeeperSession.open({ connect, sessionTimeoutMs: 4000, connectTimeoutMs: 5000 });
}

export interface ZnodeView {
  readonly znode: string;
  readonly owner: string;
  readonly data: string;
  readonly registration: Registration | undefined;
}

/** Reads and decodes every child of `path` (a missing parent reads as no children). */
export async function readChildren(session: ZooKeeperSession, path: string): Promise<ZnodeView[]> {
  const listing = await session.children(path);
  const views: ZnodeView[] = [];
  for (const znode of listing?.children.sort() ?? []) {
    const read = await session.data(`${path}/${znode}`);
    if (!read) continue;
    const decoded = decodeRegistration(read.data);
    views.push({
      znode,
      owner: ownerOf(read.stat),
      data: read.data?.toString('utf8') ?? '',
      registration: decoded.kind === 'ok' ? decoded.registration : undefined,
    });
  }
  return views;
}

/** Polls `read` until `accept` holds; returns the accepted value and when it was seen. */
export async function waitUntil<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 20_000, intervalMs = 25, what = 'condition' } = {},
): Promise<{ value: T; at: number }> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (accept(last)) return { value: last, at: Date.now() };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
}
