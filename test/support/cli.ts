import { spawn } from 'node:child_process';

export const BIN = new URL('../../bin/dremio-ha-monitor.js', import.meta.url).pathname;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the `dremio-ha-monitor` CLI (by default the repository's, from its sources) to its exit. */
export function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  bin: string = BIN,
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
