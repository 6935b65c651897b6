import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";

const OPEN = `0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 65535 <mss 1460>
`;

function scripts(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "wirestate-packetdrill-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function cli(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on("data", (c) => out.push(String(c)));
  stderr.on("data", (c) => err.push(String(c)));
  const status = await run(argv, { stdout, stderr, signal: new AbortController().signal });
  return { status, stdout: out.join(""), stderr: err.join("") };
}

describe("wirestate packetdrill", () => {
  const dir = scripts({
    "pass.pkt": `${OPEN}+0 > S. 0:0(0) ack 1 <mss 1460>\n`,
    "fail.pkt": `${OPEN}+0 > S. 0:0(0) ack 2 <mss 1460>\n`,
    "unsupported.pkt": `${OPEN}+0 > S. 0:0(0) ack 1 <mss 1460>\n+0 epoll_create(1) = 4\n`,
    "defaults.sh": "sysctl -q net.ipv4.tcp_frto=2\n",
    "helper.pkt": `\`./defaults.sh\`\n${OPEN}+0 > S. 0:0(0) ack 1 <mss 1460>\n`,
  });
  const at = (f: string) => join(dir, f);

  it("exits 0 when every script passes, with a summary line", async () => {
    const r = await cli("packetdrill", at("pass.pkt"), at("helper.pkt"));
    expect(r).toEqual({
      status: 0,
      stdout: `PASS ${at("pass.pkt")}\nPASS ${at("helper.pkt")}\n2 scripts: 2 passed, 0 failed, 0 unsupported\n`,
      stderr: "",
    });
  });

  it("prints the first mismatch (line, expected and actual packet, times) and exits 1", async () => {
    const r = await cli("packetdrill", at("pass.pkt"), at("fail.pkt"), at("unsupported.pkt"));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      [
        `PASS ${at("pass.pkt")}`,
        `FAIL ${at("fail.pkt")}:5: live packet field tcp_ack_seq: expected: 2 vs actual: 1`,
        "  script: S. 0:0(0) ack 2 <mss 1460> at 0.000000 s",
        "  actual: S. 0:0(0) ack 1 <mss 1460> at 0.000000 s",
        `UNSUPPORTED ${at("unsupported.pkt")}:6: system call epoll_create is not supported`,
        "3 scripts: 1 passed, 1 failed, 1 unsupported",
        "",
      ].join("\n"),
    );
  });

  it("--json prints one object per script", async () => {
    const r = await cli("packetdrill", "--json", at("pass.pkt"), at("unsupported.pkt"));
    expect(r.status).toBe(1);
    expect(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { file: at("pass.pkt"), result: "pass", line: null, reason: null },
      {
        file: at("unsupported.pkt"),
        result: "unsupported",
        line: 6,
        reason: "system call epoll_create is not supported",
      },
    ]);
  });

  it("--verbose lists what did not apply and what TSO coalescing did", async () => {
    const r = await cli("packetdrill", "--verbose", at("helper.pkt"));
    expect(r.stdout).toContain("  tso coalescing on: 0 lines matched by joined segments\n");
    expect(r.stdout).toContain("  not applicable: net.ipv4.tcp_frto=2\n");
    const json = await cli("packetdrill", "--json", "--verbose", at("helper.pkt"));
    expect(JSON.parse(json.stdout)).toMatchObject({
      result: "pass",
      tso: true,
      notApplicable: ["net.ipv4.tcp_frto=2"],
    });
  });

  it("bad usage is a one-line error and status 2; an unreadable script, status 1", async () => {
    expect(await cli("packetdrill")).toMatchObject({
      status: 2,
      stderr: "wirestate: packetdrill: name at least one script (see wirestate packetdrill --help)\n",
    });
    const missing = await cli("packetdrill", at("nope.pkt"));
    expect(missing).toMatchObject({ status: 1, stderr: `wirestate: cannot read ${at("nope.pkt")}: ENOENT\n` });
  });
});
