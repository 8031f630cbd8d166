export { escapeHtml } from './html.ts';
export type * from './model.ts';
export { type ReportMeta, renderReport } from './render.ts';
export { buildTimeline } from './timeline.ts';
