/** The page's files, path -> bytes: the HTML and CSS as written, main.js and worker.js bundled and minified. */
export function buildDemo(): Promise<Map<string, Uint8Array>>;
/** What a first visit downloads, per file and in total, raw and gzipped (level 9, as a server would). */
export function downloadSizes(files: Map<string, Uint8Array>): Array<{ name: string; bytes: number; gzipped: number }>;
/** What `serveFiles` asks of its guard (wirestate/link/node's `PageServerGuard` fits). */
export interface RequestGuard {
  refusal(request: import("node:http").IncomingMessage): { status: number; reason: string } | null;
}
/**
 * Serve `files` on `host` (default 127.0.0.1; port 0 picks a free one). Resolves once listening. Every
 * request first passes `guard`.
 */
export function serveFiles(
  files: Map<string, Uint8Array>,
  options: { port?: number; host?: string; guard: RequestGuard },
): Promise<{ url: string; origin: string; close(): Promise<void> }>;
