/**
 * Pins the compiler's words for the must-not-compile corpus. `test/typecheck.test.ts` proves each line
 * fails to compile; this proves it fails for the stated reason and in readable terms: every
 * `// @ts-expect-error: <text>` line in test/compile-fail/api names the start of the message tsc gives for
 * the next line once the directive is removed. A change that makes the messages unreadable (an alias
 * lost, an intersection spelled out) fails here.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../..");
const corpus = join(repo, "test/compile-fail/api");
const DIRECTIVE = /^\s*\/\/ @ts-expect-error: (.+)$/;

interface Expectation {
  file: string;
  line: number;
  text: string;
}

function prepare(dir: string): Expectation[] {
  const expectations: Expectation[] = [];
  for (const file of readdirSync(corpus).filter((f) => f.endsWith(".ts"))) {
    const lines = readFileSync(join(corpus, file), "utf8").split("\n");
    lines.forEach((line, i) => {
      const m = DIRECTIVE.exec(line);
      if (m === null) return;
      expectations.push({ file, line: i + 2, text: m[1].trim() });
      lines[i] = ""; // keep line numbers
    });
    const source = lines.join("\n").replaceAll(`"../../../src/`, `"${repo}/src/`);
    writeFileSync(join(dir, file), source);
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      extends: join(repo, "tsconfig.json"),
      compilerOptions: { noEmit: true, rootDir: "/", typeRoots: [join(repo, "node_modules/@types")] },
      include: ["*.ts"],
      exclude: [],
    }),
  );
  return expectations;
}

function compile(dir: string): Map<string, string[]> {
  let out = "";
  try {
    execFileSync(join(repo, "node_modules/.bin/tsc"), ["-p", ".", "--pretty", "false"], { cwd: dir, encoding: "utf8" });
  } catch (e) {
    out = String((e as { stdout?: string }).stdout ?? "");
  }
  const byLine = new Map<string, string[]>();
  for (const line of out.split("\n")) {
    const m = /^(.+?)\((\d+),\d+\): error TS\d+: (.*)$/.exec(line);
    // Paths are relative to `dir`: the corpus copies are bare names, the sources they import are not.
    if (m === null || m[1].includes("/")) continue;
    const key = `${m[1]}:${m[2]}`;
    byLine.set(key, [...(byLine.get(key) ?? []), m[3]]);
  }
  return byLine;
}

describe("must-not-compile corpus: the compiler's messages", () => {
  const dir = mkdtempSync(join(tmpdir(), "wirestate-compile-fail-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const expectations = prepare(dir);
  const errors = compile(dir);

  it("has at least 25 cases", () => {
    expect(expectations.length).toBeGreaterThanOrEqual(25);
  });

  it("every case fails with the message its directive names", () => {
    const wrong = expectations.flatMap((e) => {
      const got = errors.get(`${e.file}:${e.line}`) ?? [];
      return got.some((msg) => msg.startsWith(e.text)) ? [] : [{ at: `${e.file}:${e.line}`, want: e.text, got }];
    });
    expect(wrong).toEqual([]);
  });

  it("nothing else in the corpus fails", () => {
    const expected = new Set(expectations.map((e) => `${e.file}:${e.line}`));
    const stray = [...errors.keys()].filter((k) => !expected.has(k));
    expect(stray).toEqual([]);
  });

  it("keeps the state in the type's name (the alias survives into messages)", () => {
    const all = [...errors.values()].flat();
    expect(all).toContain(`Property 'write' does not exist on type 'TcpStream<"FinWait1">'.`);
    expect(all).toContain(`Property 'write' does not exist on type 'TcpListener'.`);
    expect(all.some((m) => m.includes("StreamCommon<") && m.includes("Reads<"))).toBe(false);
  });
});
