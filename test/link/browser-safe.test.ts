import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** Every module specifier imported or re-exported (statically or dynamically) by a source file. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/g)) found.push(m[1]);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*["']([^"']+)["']/g)) found.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]);
  return found;
}

/** The files reachable from `entry` through relative imports, and the non-relative specifiers they use. */
function closure(entry: string): { files: string[]; external: string[] } {
  const seen = new Set<string>();
  const external = new Set<string>();
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of specifiers(file)) {
      if (spec.startsWith(".")) queue.push(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      else external.add(spec);
    }
  }
  return { files: [...seen], external: [...external] };
}

describe("link entry points", () => {
  it("src/link/index.ts reaches no Node built-in and no package: it loads in a browser", () => {
    const { files, external } = closure("src/link/index.ts");
    expect(files.length).toBeGreaterThan(5);
    expect(files.some((f) => f.endsWith("udp-tunnel.ts") || f.endsWith("ws-relay.ts"))).toBe(false);
    expect(external).toEqual([]);
  });

  it("the scan sees Node imports where they are: src/link/node.ts uses node:dgram and ws", () => {
    const { external } = closure("src/link/node.ts");
    expect(external).toEqual(expect.arrayContaining(["node:dgram", "ws"]));
  });
});
