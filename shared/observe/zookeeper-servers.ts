import { type FourLetterAnswer, sendFourLetterWord } from './four-letter-word.ts';

/** Why a ZooKeeper server is or is not counted as serving. */
export type ZooKeeperServerState =
  | 'serving'
  /** Up, but answered "not currently serving requests" (starting, or cut off from its quorum). */
  | 'not_serving'
  /** No answer: refused, reset or timed out. */
  | 'unreachable'
  /** Answered, but not in a way that says: `srvr` not whitelisted, or text we do not recognise. */
  | 'unknown';

export interface ZooKeeperServerObservation {
  readonly host: string;
  readonly port: number;
  /** True only when `srvr` reported a mode: an unknown server is never counted as healthy. */
  readonly serving: boolean;
  readonly state: ZooKeeperServerState;
  /** `leader`, `follower`, `standalone`, `observer`, ... when serving. */
  readonly mode: string | null;
  /** Round trip of the `srvr` exchange. */
  readonly latencyMs: number;
  /** The server's own average request latency (`srvr` "Latency min/avg/max"). */
  readonly avgRequestLatencyMs: number | null;
  readonly outstandingRequests: number | null;
  readonly znodeCount: number | null;
  /** From `mntr` on a leader, where the whitelist allows it. */
  readonly syncedFollowers: number | null;
  /** What the server said when it was not serving or not understood (at most 200 characters). */
  readonly detail: string | null;
}

export type SrvrReading =
  | {
      readonly kind: 'serving';
      readonly mode: string;
      readonly avgRequestLatencyMs: number | null;
      readonly outstandingRequests: number | null;
      readonly znodeCount: number | null;
    }
  | { readonly kind: 'not_serving'; readonly text: string }
  | { readonly kind: 'not_whitelisted'; readonly text: string }
  | { readonly kind: 'unrecognised'; readonly text: string };

function numberAfter(text: string, label: RegExp): number | null {
  const match = label.exec(text);
  if (!match?.[1]) return null;
  const value = Number(match[1]);
  return Number.isFinite(value) ? value : null;
}

/** Reads a `srvr` answer. Pure. */
export function parseSrvr(text: string): SrvrReading {
  const trimmed = text.trim().slice(0, 200);
  if (/not in the whitelist/i.test(text)) return { kind: 'not_whitelisted', text: trimmed };
  if (/not currently serving requests/i.test(text)) return { kind: 'not_serving', text: trimmed };
  const mode = /^Mode: (\S+)/m.exec(text)?.[1];
  if (!mode) return { kind: 'unrecognised', text: trimmed };
  return {
    kind: 'serving',
    mode,
    avgRequestLatencyMs: numberAfter(text, /^Latency min\/avg\/max: [\d.]+\/([\d.]+)\//m),
    outstandingRequests: numberAfter(text, /^Outstanding: (\d+)/m),
    znodeCount: numberAfter(text, /^Node count: (\d+)/m),
  };
}

/** Reads a `mntr` answer (tab-separated key and value per line); null when it was refused. Pure. */
export function parseMntr(text: string): Record<string, string> | null {
  if (/not in the whitelist|not currently serving/i.test(text)) return null;
  const values: Record<string, string> = Object.create(null);
  for (const line of text.split('\n')) {
    const [key, value] = line.split('\t');
    if (key && value !== undefined && /^zk_\w+$/.test(key)) values[key] = value.trim();
  }
  return Object.keys(values).length > 0 ? values : null;
}

/** Turns the `srvr` (and optional `mntr`) answers of one server into an observation. Pure. */
export function observeServerAnswers(
  host: string,
  port: number,
  srvr: FourLetterAnswer,
  mntr: FourLetterAnswer | null,
): ZooKeeperServerObservation {
  const base = {
    host,
    port,
    latencyMs: srvr.latencyMs,
    avgRequestLatencyMs: null,
    outstandingRequests: null,
    znodeCount: null,
    syncedFollowers: null,
    mode: null,
  };
  if (srvr.kind === 'unreachable') {
    return { ...base, serving: false, state: 'unreachable', detail: srvr.reason };
  }
  const reading = parseSrvr(srvr.text);
  switch (reading.kind) {
    case 'not_serving':
      return { ...base, serving: false, state: 'not_serving', detail: reading.text };
    case 'not_whitelisted':
    case 'unrecognised':
      return { ...base, serving: false, state: 'unknown', detail: reading.text };
    case 'serving': {
      const stats = mntr?.kind === 'answered' ? parseMntr(mntr.text) : null;
      const synced = stats?.zk_synced_followers;
      return {
        ...base,
        serving: true,
        state: 'serving',
        mode: reading.mode,
        avgRequestLatencyMs: reading.avgRequestLatencyMs,
        outstandingRequests: reading.outstandingRequests,
        znodeCount: reading.znodeCount,
        syncedFollowers: synced === undefined ? null : Number(synced),
        detail: null,
      };
    }
  }
}

/** Asks one server `srvr`, then `mntr` on a leader (for its synced followers). */
export async function probeZooKeeperServer(
  host: string,
  port: number,
  { timeoutMs, signal }: { timeoutMs: number; signal?: AbortSignal },
): Promise<ZooKeeperServerObservation> {
  const srvr = await sendFourLetterWord(host, port, 'srvr', { timeoutMs, ...(signal ? { signal } : {}) });
  const leader = srvr.kind === 'answered' && /^Mode: leader/m.test(srvr.text);
  const mntr = leader
    ? await sendFourLetterWord(host, port, 'mntr', { timeoutMs, ...(signal ? { signal } : {}) })
    : null;
  return observeServerAnswers(host, port, srvr, mntr);
}

/**
 * Quorum from the servers' own answers, never from the monitor's failure to reach them. True when a
 * server serves (ZooKeeper serves only inside a quorum) or a read through a session succeeded (a
 * server cut off from its quorum does not serve reads). False only on positive evidence: a server
 * answered that it is not serving and none serves. Otherwise (no server answered: the monitor may
 * be cut off while the ensemble is fine) it cannot tell: null.
 */
export function quorumOf(
  servers: readonly ZooKeeperServerObservation[],
  readSucceeded: boolean,
): boolean | null {
  if (readSucceeded || servers.some((server) => server.serving)) return true;
  return servers.some((server) => server.state === 'not_serving') ? false : null;
}

/** Splits `host:port[,host:port...]` into its servers. */
export function serversOf(connect: string): Array<{ host: string; port: number }> {
  return connect.split(',').map((entry) => {
    const at = entry.lastIndexOf(':');
    return { host: entry.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(entry.slice(at + 1)) };
  });
}
