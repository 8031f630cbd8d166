/** Escaping and formatting shared by the page and its SVG. */
import { formatDuration } from '../events/format.ts';

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for HTML and SVG, in element content and in quoted attributes alike. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/**
 * A template tag that escapes every interpolated value unless it is `Html` (already built markup):
 * text can only reach the page escaped.
 */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Html[];

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(out);
}

function render(value: Part): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map((part: Html) => part.markup).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

export function join(parts: readonly Html[], separator = ''): Html {
  return new Html(parts.map((part) => part.markup).join(separator));
}

/** `2026-11-21 23:00:52Z`: UTC, to the second. */
export function formatTime(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

export function formatMs(ms: number | null): string {
  return ms === null ? '–' : formatDuration(ms);
}

/** A fragment id for a cluster name (names are `[A-Za-z0-9_.-]`, but ids must not break anyway). */
export function anchorOf(cluster: string): string {
  return `cluster-${cluster.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}
