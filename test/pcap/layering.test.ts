import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Every module `entry` reaches through static imports (type-only ones included), as paths under the repo. */
function reachable(entry: string): { files: Set<string>; builtins: Set<string> } {
  const files = new Set<string>();
  const builtins = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(join(root, file), "utf8");
    for (const m of source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm)) {
      const spec = m[1];
      if (spec.startsWith(".")) visit(relative(root, resolve(dirname(join(root, file)), spec.replace(/\.js$/, ".ts"))));
      else builtins.add(spec);
    }
  };
  visit(entry);
  return { files, builtins };
}

describe("capture layering", () => {
  it("wirestate/pcap and the capture link know nothing of tcp or the stack", () => {
    for (const entry of ["src/pcap/index.ts", "src/pcap/node.ts", "src/link/capture.ts"]) {
      const { files } = reachable(entry);
      expect(
        [...files].filter((f) => /^src\/(tcp|stack|api|session)\//.test(f)),
        entry,
      ).toEqual([]);
    }
  });

  it("the browser entry (wirestate/pcap) imports no Node built-in; only the Node entry does", () => {
    const browser = reachable("src/pcap/index.ts");
    expect([...browser.builtins]).toEqual([]);
    expect([...browser.files]).not.toContain("src/pcap/node-file-sink.ts");
    expect([...reachable("src/link/capture.ts").builtins]).toEqual([]);
    expect([...reachable("src/pcap/node.ts").builtins]).toEqual(["node:fs"]);
  });
});
