import zookeeper, { type Client, type Event, type Stat } from 'node-zookeeper-client';

export type ZnodeWatcher = (event: Event) => void;

export interface ZooKeeperSessionOptions {
  /** `host:port[,host:port...]` */
  readonly connect: string;
  /** Requested session timeout; the server clamps it to [minSessionTimeout, maxSessionTimeout]. */
  readonly sessionTimeoutMs: number;
  /** node-zookeeper-client has no connect timeout of its own: this bounds the first connect. */
  readonly connectTimeoutMs: number;
  /** Bound on each read or write once connected. @default 5000 */
  readonly operationTimeoutMs?: number;
  /** Delay between attempts on the servers of the connect string. @default 200 */
  readonly spinDelayMs?: number;
}

/** A ZooKeeper failure with the exception's name (`NO_NODE`, `CONNECTION_LOSS`, ...) and the path. */
export class ZooKeeperError extends Error {
  override readonly name = 'ZooKeeperError';
  constructor(
    readonly code: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(`${code} on ${path || 'connect'}`, options);
  }
}

/** The `ephemeralOwner` of a znode (its session id) as 16 hex digits; `0` for a persistent znode. */
export function ownerOf(stat: Stat): string {
  return stat.ephemeralOwner.toString('hex');
}

/** A ZooKeeper session behind promises: bounded connect and operations, `null` for a missing znode. */
export class ZooKeeperSession {
  private constructor(
    readonly client: Client,
    private readonly operationTimeoutMs: number,
  ) {}

  static async open(options: ZooKeeperSessionOptions): Promise<ZooKeeperSession> {
    const client = zookeeper.createClient(options.connect, {
      sessionTimeout: options.sessionTimeoutMs,
      spinDelay: options.spinDelayMs ?? 200,
      retries: 0,
    });
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.removeListener('connected', onConnected);
        client.close();
        reject(
          new ZooKeeperError('CONNECT_TIMEOUT', '', {
            cause: `no session within ${options.connectTimeoutMs} ms`,
          }),
        );
      }, options.connectTimeoutMs);
      const onConnected = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once('connected', onConnected);
    });
    client.connect();
    await connected;
    return new ZooKeeperSession(client, options.operationTimeoutMs ?? 5000);
  }

  /** The session id as 16 hex digits: the `ephemeralOwner` of this session's ephemeral znodes. */
  get sessionId(): string {
    return this.client.getSessionId().toString('hex');
  }

  get negotiatedTimeoutMs(): number {
    return this.client.getSessionTimeout();
  }

  children(path: string, watcher?: ZnodeWatcher): Promise<{ children: string[]; stat: Stat } | null> {
    return this.#call(path, (done) => {
      const callback = (error: unknown, children: string[], stat: Stat) => done(error, { children, stat });
      if (watcher) this.client.getChildren(path, watcher, callback);
      else this.client.getChildren(path, callback);
    });
  }

  data(path: string, watcher?: ZnodeWatcher): Promise<{ data: Buffer | null; stat: Stat } | null> {
    return this.#call(path, (done) => {
      const callback = (error: unknown, data: Buffer, stat: Stat) =>
        done(error, { data: data ?? null, stat });
      if (watcher) this.client.getData(path, watcher, callback);
      else this.client.getData(path, callback);
    });
  }

  exists(path: string, watcher?: ZnodeWatcher): Promise<Stat | null> {
    return this.#call(path, (done) => {
      const callback = (error: unknown, stat: Stat) => done(error, stat ?? null);
      if (watcher) this.client.exists(path, watcher, callback);
      else this.client.exists(path, callback);
    });
  }

  /** Creates a znode and returns its path (with the sequence suffix for sequential modes). */
  async create(path: string, data: Uint8Array, mode: number): Promise<string> {
    const created = await this.#call<string>(path, (done) =>
      this.client.create(path, Buffer.from(data), mode, (error, createdPath) => done(error, createdPath)),
    );
    if (created === null) throw new ZooKeeperError('NO_NODE', path);
    return created;
  }

  /** Creates the persistent znode and any missing parents; an existing znode is fine. */
  async ensurePath(path: string): Promise<void> {
    await this.#call(path, (done) => this.client.mkdirp(path, (error) => done(error, path)));
  }

  /** Deletes a znode; returns false when it was already gone. */
  async remove(path: string): Promise<boolean> {
    const removed = await this.#call(path, (done) =>
      this.client.remove(path, -1, (error) => done(error, true)),
    );
    return removed === true;
  }

  close(): void {
    this.client.close();
  }

  #call<T>(path: string, start: (done: (error: unknown, value: T) => void) => void): Promise<T | null> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new ZooKeeperError('OPERATION_TIMEOUT', path, { cause: `${this.operationTimeoutMs} ms` })),
        this.operationTimeoutMs,
      );
      start((error, value) => {
        clearTimeout(timer);
        if (!error) return resolve(value);
        // node-zookeeper-client reports server answers as `Exception`, which is not an `Error`.
        if (error instanceof zookeeper.Exception) {
          if (error.getCode() === zookeeper.Exception.NO_NODE) return resolve(null);
          return reject(new ZooKeeperError(error.getName(), path, { cause: error }));
        }
        reject(new ZooKeeperError('CLIENT_ERROR', path, { cause: error }));
      });
    });
  }
}
