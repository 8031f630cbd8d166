import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ServerStatusClient } from '../../shared/observe/server-status.ts';

/** A web server that answers 200 with `"OK"` and then as much as it is told to, in chunks. */
describe('server_status: a body over the cap is never ok', () => {
  let server: Server;
  let base: string;
  let tail = 0;
  const client = new ServerStatusClient({ timeoutMs: 5000 });

  const stream = (response: ServerResponse, left: number) => {
    const chunk = Buffer.alloc(Math.min(64 * 1024, left), ' ');
    if (left <= 0 || response.destroyed) return void response.end();
    if (response.write(chunk)) setImmediate(() => stream(response, left - chunk.length));
    else response.once('drain', () => stream(response, left - chunk.length));
  };

  before(async () => {
    server = createServer((_request, response) => {
      response.on('error', () => undefined);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('"OK"');
      stream(response, tail);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    assert.ok(address && typeof address !== 'string');
    base = `http://127.0.0.1:${address.port}`;
  });
  after(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a chunked "OK" followed by 100 MB of whitespace is unexpected', async () => {
    tail = 100 * 1024 * 1024;
    const status = await client.probe(base);
    assert.equal(status.kind, 'unexpected');
  });

  it('"OK" with a little whitespace under the cap is still ok', async () => {
    tail = 100;
    assert.equal((await client.probe(base)).kind, 'ok');
  });
});
