/** The page's files, path -> bytes: the HTML and CSS as written, main.js and worker.js bundled and minified. */
export function buildDemo(): Promise<Map<string, Uint8Array>>;
/** What a first visit downloads, per file and in total, raw and gzipped (level 9, as a server would). */
export function downloadSizes(files: Map<string, Uint8Array>): Array<{ name: string; bytes: number; gzipped: number }>;
/** Serve `files` on 127.0.0.1 (port 0 picks a free one). Resolves once listening. */
export function serveFiles(
  files: Map<string, Uint8Array>,
  port?: number,
): Promise<{ url: string; close(): Promise<void> }>;
