import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/**
 * A TCP relay between an emulated node and each ZooKeeper server. Cutting it drops every connection
 * and refuses new ones while the process lives: the "session lost" fault, seen by ZooKeeper exactly
 * as a network partition of that node.
 */
export class ZooKeeperLink {
  #servers: Server[] = [];
  #sockets = new Set<Socket>();
  #cut = false;
  #connect = '';

  /** The connect string the node should use: one local relay per server of `upstream`. */
  get connectString(): string {
    return this.#connect;
  }

  get isCut(): boolean {
    return this.#cut;
  }

  async open(upstream: string): Promise<void> {
    const targets = upstream.split(',').map((hostPort) => {
      const at = hostPort.lastIndexOf(':');
      return { host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1)) };
    });
    const local: string[] = [];
    for (const target of targets) {
      const server = createServer((client) => this.#relay(client, target.host, target.port));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('relay has no TCP address');
      local.push(`127.0.0.1:${address.port}`);
      this.#servers.push(server);
    }
    this.#connect = local.join(',');
  }

  cut(): void {
    this.#cut = true;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  restore(): void {
    this.#cut = false;
  }

  close(): void {
    this.cut();
    for (const server of this.#servers) server.close();
  }

  #relay(client: Socket, host: string, port: number): void {
    if (this.#cut) {
      client.destroy();
      return;
    }
    const upstream = tcpConnect({ host, port });
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
