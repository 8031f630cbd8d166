/** How times and durations read in summaries, messages and reports. */

/** `950 ms`, `42 s`, `4 min 30 s`, `2 h 5 min`. */
export function formatDuration(ms: number): string {
  const clamped = Math.max(0, Math.round(ms));
  if (clamped < 1000) return `${clamped} ms`;
  const seconds = Math.round(clamped / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** `12:00:41 UTC`: a time of day for summaries read at once (the facts carry the full ISO time). */
export function formatClock(time: number): string {
  return `${new Date(time).toISOString().slice(11, 19)} UTC`;
}

/** `2026-11-21 23:05:12 UTC`, or the text itself when it is not a time. */
export function formatTime(value: unknown): string {
  if (typeof value !== 'string') return String(value);
  const time = Date.parse(value);
  if (!Number.isFinite(time)) return value;
  return new Date(time)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}

/** At most `max` characters (code points, so no emoji is cut in half), ending with … when cut. */
export function clip(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('')}…`;
}
