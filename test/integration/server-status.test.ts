import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ServerStatusClient } from '../../shared/observe/server-status.ts';
import { makeTestPki, type TestPki } from '../support/tls.ts';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

describe('server_status over https with a CA made in the test', () => {
  let pki: TestPki;
  let server: Server;
  let url = '';
  before(async () => {
    pki = makeTestPki();
    server = createHttpsServer({ key: pki.key, cert: pki.cert }, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('"OK"');
    });
    url = `https://127.0.0.1:${await listen(server)}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    pki.remove();
  });

  it('answers ok when the CA bundle is trusted', async () => {
    const client = new ServerStatusClient({ ca: pki.ca });
    assert.equal((await client.probe(url)).kind, 'ok');
    await client.close();
  });

  it('reports tls_error with the reason when it is not', async () => {
    const client = new ServerStatusClient();
    const status = await client.probe(url);
    assert.equal(status.kind, 'tls_error');
    assert.match(status.kind === 'tls_error' ? status.reason : '', /CERT|SIGNED|VERIFY/);
    await client.close();
  });
});

describe('server_status over http, answers that are not Dremio', () => {
  let server: Server;
  let base = '';
  let answer: 'redirect' | 'huge' = 'redirect';
  let bytesSent = 0;
  before(async () => {
    server = createHttpServer((_request, response) => {
      if (answer === 'redirect') return response.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'A'.repeat(64 * 1024);
      const write = () => {
        // Streams for as long as the client reads: a capped reader stops it early.
        while (bytesSent < 64 * 1024 * 1024 && response.write(chunk)) bytesSent += chunk.length;
        if (bytesSent < 64 * 1024 * 1024) response.once('drain', write);
        else response.end();
      };
      response.on('error', () => undefined);
      write();
    });
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('does not follow redirects', async () => {
    answer = 'redirect';
    const client = new ServerStatusClient();
    const status = await client.probe(base);
    assert.equal(status.kind, 'unexpected');
    assert.equal(status.kind === 'unexpected' ? status.statusCode : 0, 302);
    await client.close();
  });

  it('reads at most 4 KiB of a body and stops the transfer', async () => {
    answer = 'huge';
    const client = new ServerStatusClient({ timeoutMs: 5000 });
    const status = await client.probe(base);
    assert.equal(status.kind, 'unexpected');
    assert.equal(status.kind === 'unexpected' ? status.bodyExcerpt : '', 'A'.repeat(120));
    assert.ok(
      bytesSent < 16 * 1024 * 1024,
      `server sent ${bytesSent} bytes before the client stopped reading`,
    );
    await client.close();
  });
});

describe('server_status keeps its connection between probes', () => {
  let server: Server;
  let base = '';
  let connections = 0;
  /**
   * Close a connection when its second request arrives, unanswered: the race of a server closing an
   * idle connection just as the next probe is sent on it.
   */
  let dropSecondRequest = false;
  const answered = new WeakSet<object>();
  before(async () => {
    server = createHttpServer((request, response) => {
      if (dropSecondRequest && answered.has(request.socket)) return request.socket.destroy();
      answered.add(request.socket);
      response.writeHead(200, { 'content-type': 'application/json' }).end('"OK"');
    });
    server.keepAliveTimeout = 30_000;
    server.on('connection', () => {
      connections += 1;
    });
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('probes a node every second over one connection, as Jetty allows', async () => {
    const client = new ServerStatusClient();
    connections = 0;
    for (let round = 0; round < 3; round += 1) {
      assert.equal((await client.probe(base)).kind, 'ok');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    assert.equal(connections, 1);
    await client.close();
  });

  it('answers ok when the node closed the kept connection meanwhile (one fresh connection, no false failure)', async () => {
    const client = new ServerStatusClient();
    dropSecondRequest = true;
    try {
      connections = 0;
      for (let round = 0; round < 4; round += 1) {
        assert.equal((await client.probe(base)).kind, 'ok', `round ${round}`);
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      assert.ok(connections >= 4, `every round needed a new connection (${connections})`);
    } finally {
      dropSecondRequest = false;
      await client.close();
    }
  });

  it('says refused once the node is gone, not unreachable', async () => {
    const gone = createHttpServer((_request, response) => response.end('"OK"'));
    gone.keepAliveTimeout = 30_000;
    const port = await listen(gone);
    const client = new ServerStatusClient();
    assert.equal((await client.probe(`http://127.0.0.1:${port}`)).kind, 'ok');
    gone.closeAllConnections();
    await new Promise((resolve) => gone.close(resolve));
    assert.equal((await client.probe(`http://127.0.0.1:${port}`)).kind, 'refused');
    await client.close();
  });
});
