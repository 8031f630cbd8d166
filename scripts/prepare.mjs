// Plain Node, no dependencies: it runs before `npm ci` on a fresh clone.
// `node scripts/prepare.mjs demo|test`: installs the npm dependencies when they are missing or stale,
// then checks the OS packages the demo (ZooKeeper, Java, flock) or the tests (also openssl,
// Chromium and Alertmanager) need. As root on Debian it installs the missing ones with apt-get; otherwise it says in
// one line how, and exits 1.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const purpose = process.argv[2] === 'test' ? 'test' : 'demo';

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const PACKAGES = [
  {
    name: 'zookeeper',
    present: () => existsSync('/usr/share/java/zookeeper.jar') && existsSync('/usr/share/java/slf4j-nop.jar'),
  },
  { name: 'openjdk-17-jre-headless', present: () => has('java') },
  { name: 'util-linux', present: () => has('flock') },
  ...(purpose === 'test'
    ? [
        { name: 'openssl', present: () => has('openssl') },
        { name: 'chromium', present: () => existsSync('/usr/bin/chromium') },
        { name: 'prometheus-alertmanager', present: () => existsSync('/usr/bin/prometheus-alertmanager') },
      ]
    : []),
];

function run(command, args) {
  console.error(`prepare: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`prepare: \`${command} ${args.join(' ')}\` failed (exit ${result.status})`);
    process.exit(1);
  }
}

const lock = `${root}/package-lock.json`;
const installed = `${root}/node_modules/.package-lock.json`;
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

const missing = PACKAGES.filter((pkg) => !pkg.present()).map((pkg) => pkg.name);
if (missing.length > 0) {
  const canInstall = process.getuid?.() === 0 && has('apt-get');
  if (!canInstall) {
    console.error(
      `prepare: missing OS packages for the ${purpose}: run \`sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\` (Debian/Ubuntu)`,
    );
    process.exit(1);
  }
  process.env.DEBIAN_FRONTEND = 'noninteractive';
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', ...missing]);
}
