/**
 * Every code block of the README, exactly as printed: the ```json block is the project's tsconfig.json,
 * each ```ts block a program compiled with it against the packed package (test/helpers/packed.ts), then
 * run by Node (the one running the tests; CI runs the `engines` minimum, Node 20). Each program must
 * exit 0, print nothing on stderr, and print what its comments say.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packedProject, repo, typecheck } from "./helpers/packed.js";

const readme = readFileSync(join(repo, "README.md"), "utf8");
const blocks = [...readme.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], code: m[2] }));
const programs = blocks.filter((b) => b.lang === "ts").map((b) => b.code);
const configs = blocks.filter((b) => b.lang === "json").map((b) => b.code);

/** What each program prints, in README order: a new block needs its line here. */
const OUTPUT = [
  "hello over a userspace TCP\n",
  "greetings from the server\n",
  "token alice\n",
  "{ address: '10.0.0.1', port: 7, family: 'IPv4' }\necho: hello\n",
  // The loopback path's deliveries run as microtasks (RealClock), so the server's side moves on before
  // the awaiting code resumes.
  "client CLOSED -> SYN-SENT\nserver LISTEN -> SYN-RECEIVED\nclient SYN-SENT -> ESTABLISHED\nserver SYN-RECEIVED -> ESTABLISHED\nclient ESTABLISHED -> FIN-WAIT-1\nserver ESTABLISHED -> CLOSE-WAIT\nthen FIN-WAIT-1, on the new handle's stream too: true\n",
  "hello over UDP\nreply 1\nreply 2\n",
  "[ '10.0.0.7' ]\n",
  "over Ethernet, after ARP\n",
  "bound 3600\n10.0.0.100\n10.0.0.1 [ '10.0.0.1' ]\n",
];

const dir = packedProject("wirestate-readme-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
programs.forEach((code, i) => writeFileSync(join(dir, `readme-${i + 1}.ts`), code));

describe("the README's code", () => {
  it("has one tsconfig.json block and a program per expected output", () => {
    expect(configs.length).toBe(1);
    expect(programs.length).toBe(OUTPUT.length);
  });

  it("compiles, with the README's tsconfig.json, against the packed package", () => {
    writeFileSync(join(dir, "tsconfig.json"), configs[0]);
    expect(typecheck(join(repo, "node_modules/typescript/bin/tsc"), dir)).toBe("");
  });

  programs.forEach((_, i) => {
    it(`program ${i + 1} runs and prints what its comments say`, () => {
      const r = spawnSync(process.execPath, [join(dir, `readme-${i + 1}.js`)], { encoding: "utf8", timeout: 30_000 });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(OUTPUT[i]);
      expect(r.status).toBe(0);
    });
  });
});
