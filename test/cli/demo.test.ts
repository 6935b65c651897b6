import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { testIo } from "../interop/cli-io.js";
import { FLOW_CONTROL_WARNINGS, judge } from "../interop/capture.js";
import { LOSS_WARNINGS } from "../helpers/tshark.js";

const dir = mkdtempSync(join(tmpdir(), "wirestate-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("wirestate demo", () => {
  it("plans a transfer through a session, moves it over a lossy wire, checks the hash and writes a capture", async () => {
    const io = testIo();
    const capture = join(dir, "demo.pcapng");
    const code = await run(
      ["demo", "--bytes", "512K", "--loss", "2%", "--delay", "5", "--seed", "7", "--capture", capture],
      io,
    );
    const out = io.out().toString();
    // The last progress line, with the sender's loss events counted from its typed stream: the seeded
    // loss costs the sender at least one timeout or recovery.
    const tally = /100% 512\.0 KiB \/ 512\.0 KiB .* (\d+) RTO, (\d+) recover(y|ies)\n/.exec(io.err());
    expect(tally, io.err()).not.toBeNull();
    expect(Number(tally![1]) + Number(tally![2])).toBeGreaterThan(0);
    expect(out).toMatch(/^wirestate demo: 10\.0\.0\.1 <-> 10\.0\.0\.2 over an in-memory wire: 2% loss, 5 ms delay/);
    expect(out).toMatch(
      /session {2}Plan: asked for 512\.0 KiB; the server announced sha256 [0-9a-f]{16}\.\.\. and port 9/,
    );
    expect(out).toMatch(/transfer 512\.0 KiB in [\d.]+ s: [\d.]+ Mbit\/s goodput; sha256 matches the announced one/);
    expect(out).toMatch(/wire {5}client->server \d+ packets, \d+ lost/);
    expect(out).toMatch(/states {3}.*SYN-SENT -> ESTABLISHED \(x2\)/);
    expect(out).toMatch(/capture {2}.*demo\.pcapng: \d+ packets/);
    expect(code).toBe(0);
    expect(statSync(capture).size).toBeGreaterThan(512 * 1024);
    // Wireshark finds nothing but what the deliberate loss and reordering explain (when tshark is here).
    judge(capture, [...LOSS_WARNINGS, ...FLOW_CONTROL_WARNINGS]);
  });

  it("rejects bad flags with one line and status 2", async () => {
    for (const [argv, message] of [
      [
        ["demo", "--loss", "2"],
        'wirestate: demo: --loss must be a probability from 0 to 1 or a percentage like 5%, got "2" (see wirestate demo --help)\n',
      ],
      [["demo", "--loss", "150%"], expect.stringMatching(/--loss must be a probability .* got "150%"/)],
      [["demo", "extra"], 'wirestate: demo: unexpected argument "extra" (see wirestate demo --help)\n'],
      [
        ["demo", "--bytes", "lots"],
        'wirestate: demo: --bytes must be a size like 4M, 512K or 1000 (at most 4G - 1), got "lots" (see wirestate demo --help)\n',
      ],
      [["demo", "--speed", "9"], "wirestate: demo: unknown option --speed (see wirestate demo --help)\n"],
    ] as const) {
      const io = testIo();
      expect(await run(argv, io)).toBe(2);
      expect(io.err()).toEqual(message);
    }
  });

  it("prints help for the command and for the program", async () => {
    const io = testIo();
    expect(await run(["demo", "--help"], io)).toBe(0);
    expect(io.out().toString()).toMatch(/^wirestate demo \[--bytes 2M\]/);
    const main = testIo();
    expect(await run(["--help"], main)).toBe(0);
    expect(main.out().toString()).toMatch(/demo .*\n.*http .*\n.*fetch .*\n.*ping .*\n.*nc .*\n.*bench /);
  });
});
