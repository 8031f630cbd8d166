/** Types of scripts/doc-links.mjs, for the tests. */
export function slug(heading: string): string;
export function anchors(markdown: string): Set<string>;
export function checkDocLinks(root: string): string[];
