import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScratchProject, repo } from "./tsc.js";

/*
 * The corpus in test/compile-fail/session is checked by test/typecheck.test.ts: every `@ts-expect-error`
 * must be used. Here the directives are turned into plain comments in a scratch copy, so tsc reports
 * the real errors, and we check that each case fails on its own line and, for a few, with which words.
 */
const corpusDir = "test/compile-fail/session";
const DIRECTIVE = "// @ts-expect-error ";

interface Case {
  file: string;
  line: number; // 1-based line of the offending code (just under the directive)
  why: string;
}

const files: Record<string, string> = {};
const cases: Case[] = [];
for (const name of readdirSync(join(repo, corpusDir))) {
  const path = `${corpusDir}/${name}`;
  const lines = readFileSync(join(repo, path), "utf8").split("\n");
  lines.forEach((text, i) => {
    const at = text.indexOf(DIRECTIVE);
    if (at >= 0) {
      cases.push({ file: path, line: i + 2, why: text.slice(at + DIRECTIVE.length).trim() });
      lines[i] = text.replace(DIRECTIVE, "// case: ");
    }
  });
  files[path] = lines.join("\n");
}

let errors: Map<string, string[]>;
let project: ScratchProject;

beforeAll(() => {
  project = new ScratchProject(files);
  const { output } = project.check();
  errors = new Map();
  let current: string[] | undefined;
  for (const text of output.split("\n")) {
    const m = /^(\S+?)\((\d+),\d+\): error (.*)$/.exec(text);
    if (m) {
      const key = `${m[1]}:${m[2]}`;
      current = errors.get(key) ?? [];
      errors.set(key, current);
      current.push(m[3]);
    } else if (current && text.startsWith(" ")) {
      current.push(text.trim());
    }
  }
});

afterAll(() => project?.remove());

function messagesFor(why: string): string {
  const c = cases.find((k) => k.why === why);
  if (!c) throw new Error(`no case "${why}" in the corpus`);
  return (errors.get(`${c.file}:${c.line}`) ?? []).join("\n");
}

describe("the session must-not-compile corpus", () => {
  it("has at least 20 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it("fails each case on its own line and nowhere else", () => {
    const lines = new Set(cases.map((c) => `${c.file}:${c.line}`));
    const missing = cases.filter((c) => !errors.has(`${c.file}:${c.line}`)).map((c) => c.why);
    const stray = [...errors.keys()].filter((k) => !lines.has(k));
    expect({ missing, stray }).toEqual({ missing: [], stray: [] });
  });

  it("says which method is missing at the current step", () => {
    expect(messagesFor("the client sends first: no recv")).toContain(
      "Property 'recv' does not exist on type 'SendChan<string,",
    );
    expect(messagesFor("close before End")).toContain("Property 'close' does not exist on type 'SendChan<string,");
    expect(messagesFor("nothing to send at End")).toContain("Property 'send' does not exist on type 'EndChan'");
  });

  it("names the labels a select allows", () => {
    expect(messagesFor('"maybe" is not a label of this select')).toContain(
      `Argument of type '"maybe"' is not assignable to parameter of type '"done" | "more"'`,
    );
  });

  it("names the missing handler of a non-exhaustive offer", () => {
    expect(messagesFor("a handler for every label: denied is missing")).toContain(
      "Property 'denied' is missing in type",
    );
  });

  it("points at the payload type", () => {
    expect(messagesFor("a u32 is a number, not a string")).toContain(
      "Argument of type 'string' is not assignable to parameter of type 'number'",
    );
  });

  it("shows a struct's value type by its fields", () => {
    expect(messagesFor("narrowed by label: the ok grant has no reason field")).toContain(
      "Property 'reason' does not exist on type '{ token: string; expires: bigint; }'",
    );
  });

  it("refuses the client's channel where the server's is expected", () => {
    expect(messagesFor("the client protocol's channel is not the server's")).toMatch(
      /Property 'recv' is missing in type 'SendChan<.*' but required in type 'RecvChan</,
    );
  });

  it("leaves the unhandled label in a switch's default", () => {
    expect(messagesFor('not exhaustive: "denied" reaches the default')).toContain(
      `Type '{ readonly label: "denied"; readonly chan: RecvChan<string, End>; }' is not assignable to type 'never'`,
    );
  });
});
