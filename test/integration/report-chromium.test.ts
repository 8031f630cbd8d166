import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { runCli } from '../support/cli.ts';
import { startDynalite, TEST_TABLE, type TestDynalite } from '../support/dynalite.ts';
import { killOnExit } from '../support/processes.ts';
import { HOUR, reportStory } from '../support/report-story.ts';

/**
 * The `report` command end to end: events committed to a real store, the CLI writes the page, and
 * Debian's headless Chromium renders it to a PNG that must not be blank. `UPDATE_SCREENSHOT=1`
 * also copies the PNG to docs/report-screenshot.png, for the README.
 */

const CHROMIUM = '/usr/bin/chromium';
const WIDTH = 1280;
const HEIGHT = 1600;
const present = existsSync(CHROMIUM);
const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const skip =
  !present && !ci ? `${CHROMIUM} is absent (apt-get install -y chromium) and CI is not set: skipped` : false;
const SCREENSHOT = new URL('../../docs/report-screenshot.png', import.meta.url).pathname;

/** Chromium renders `file` to `png`; killed with its whole process group if it takes too long. */
function screenshot(file: string, png: string, profile: string, timeoutMs = 60_000): Promise<string> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    '--hide-scrollbars',
    '--force-device-scale-factor=1',
    `--user-data-dir=${profile}`,
    `--screenshot=${png}`,
    `--window-size=${WIDTH},${HEIGHT}`,
    `file://${file}`,
  ];
  return new Promise((resolve, reject) => {
    // Its own process group: Chromium's zygote and renderers go with it.
    const child = spawn(CHROMIUM, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    killOnExit(child);
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    };
    const timer = setTimeout(() => {
      killGroup();
      reject(new Error(`chromium took more than ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      killGroup();
      if (code === 0) resolve(output);
      else reject(new Error(`chromium exited with ${code}:\n${output}`));
    });
  });
}

interface Png {
  readonly width: number;
  readonly height: number;
  /** One entry per pixel: its RGBA (or RGB) bytes as a number. */
  readonly pixels: Uint32Array;
}

const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** A non-interlaced 8-bit PNG, decoded: chunks, IDAT inflated, each scanline un-filtered. */
function decodePng(data: Buffer): Png {
  assert.deepEqual([...data.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  let offset = 8;
  let header: { width: number; height: number; depth: number; color: number; interlace: number } | null =
    null;
  const idat: Buffer[] = [];
  while (offset < data.length) {
    const length = data.readUInt32BE(offset);
    const type = data.toString('latin1', offset + 4, offset + 8);
    const body = data.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      header = {
        width: body.readUInt32BE(0),
        height: body.readUInt32BE(4),
        depth: body[8] ?? 0,
        color: body[9] ?? 0,
        interlace: body[12] ?? 0,
      };
    }
    if (type === 'IDAT') idat.push(body);
    if (type === 'IEND') break;
    offset += 12 + length;
  }
  assert.ok(header, 'IHDR first');
  const { width, height, depth, color, interlace } = header;
  const channels = CHANNELS[color];
  assert.ok(depth === 8 && channels !== undefined && interlace === 0, `unsupported PNG ${depth}/${color}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  assert.equal(raw.length, height * (stride + 1), 'IDAT size');
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i += 1) {
      const x = raw[y * (stride + 1) + 1 + i] ?? 0;
      const a = i >= channels ? (out[y * stride + i - channels] ?? 0) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + i] ?? 0) : 0;
      const c = y > 0 && i >= channels ? (out[(y - 1) * stride + i - channels] ?? 0) : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter ?? -1];
      assert.ok(predictor !== undefined, `filter type ${filter}`);
      out[y * stride + i] = (x + predictor) & 0xff;
    }
  }
  const pixels = new Uint32Array(width * height);
  for (let p = 0; p < pixels.length; p += 1) {
    let value = 0;
    for (let k = 0; k < channels; k += 1) value = value * 256 + (out[p * channels + k] ?? 0);
    pixels[p] = value;
  }
  return { width, height, pixels };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

describe('report: the CLI writes a page that Chromium renders', { skip }, () => {
  let db: TestDynalite;
  let dir: string;
  let store: string[];
  // Whole hours, seven back: the story's six hours end before now, inside --since 8h.
  const start = Math.floor(Date.now() / HOUR) * HOUR - 7 * HOUR;

  before(async () => {
    assert.ok(present, `${CHROMIUM} is absent and CI is set: install chromium (.ci/run does)`);
    db = await startDynalite();
    dir = await mkdtemp(join(tmpdir(), 'report-'));
    const config = join(dir, 'monitor.json');
    const coordinators = ['coord-a.corp', 'coord-b.corp'].map((address) => ({
      address,
      role: 'master-candidate',
    }));
    await writeFile(
      config,
      JSON.stringify({
        clusters: ['prod', 'staging'].map((name) => ({
          name,
          zookeeper: { connect: '127.0.0.1:2181' },
          coordinators: [...coordinators, { address: 'coord-c.corp', role: 'coordinator' }],
        })),
      }),
    );
    store = ['--config', config, '--store-endpoint', db.endpoint, '--table', TEST_TABLE];
    const prod = reportStory(start, 'prod').events;
    const staging = reportStory(start, 'staging').events.slice(0, 5);
    assert.equal((await db.store.commit('prod', 0, {}, prod)).kind, 'committed');
    assert.equal((await db.store.commit('staging', 0, {}, staging)).kind, 'committed');
  });
  after(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes one page with a section per cluster and prints its path', async () => {
    const out = join(dir, 'all.html');
    const result = await runCli(['report', '--since', '8h', '--out', out, ...store]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), out);
    const page = await readFile(out, 'utf8');
    assert.equal(page.split('<section class="cluster"').length - 1, 2);
    for (const text of [
      'Cluster prod',
      'Cluster staging',
      'FAILOVER_COMPLETED',
      'still open',
      'oncall-sms',
    ]) {
      assert.ok(page.includes(text), text);
    }
  });

  it('refuses to run without --out, with an --out it cannot write, or a bad --since (usage, exit 3)', async () => {
    const result = await runCli(['report', ...store]);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /--out FILE\.html is required/);
    assert.match(result.stderr, /usage: dremio-ha-monitor report/);
    const nowhere = await runCli(['report', '--out', join(dir, 'no/such/dir/r.html'), ...store]);
    assert.equal(nowhere.code, 3);
    assert.match(nowhere.stderr, /--out .*ENOENT/);
    const since = await runCli(['report', '--since', 'yesterday', '--out', join(dir, 'r.html'), ...store]);
    assert.equal(since.code, 3);
    assert.match(since.stderr, /--since "yesterday"/);
  });

  it('renders in headless Chromium to a PNG of the window size that is not blank', async () => {
    const out = join(dir, 'prod.html');
    const result = await runCli(['report', '--cluster', 'prod', '--since', '8h', '--out', out, ...store]);
    assert.equal(result.code, 0, result.stderr);
    const png = join(dir, 'prod.png');
    await screenshot(out, png, await mkdtemp(join(dir, 'profile-')));
    const image = decodePng(await readFile(png));
    assert.deepEqual([image.width, image.height], [WIDTH, HEIGHT]);
    const colors = new Set(image.pixels);
    assert.ok(colors.size > 20, `only ${colors.size} distinct colors: blank?`);
    // The master bar's blue is drawn: the SVG rendered.
    const masterBlue = image.pixels.filter((pixel) => pixel >>> 8 === 0x1f6fb2 || pixel === 0x1f6fb2).length;
    assert.ok(masterBlue > 1000, `${masterBlue} pixels of the master color`);
    if (process.env.UPDATE_SCREENSHOT === '1') {
      await mkdir(new URL('.', `file://${SCREENSHOT}`).pathname, { recursive: true });
      await copyFile(png, SCREENSHOT);
    }
  });
});
