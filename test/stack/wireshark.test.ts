import { expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { CaptureLink } from "../../src/link/capture.js";
import { memoryLinkPair, type MemoryLinkOptions } from "../../src/link/memory.js";
import { MemorySink, PcapngWriter } from "../../src/pcap/index.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import type { TcpConfig } from "../../src/tcp/config.js";
import { LOSS_WARNINGS, RST_WARNING, judgeCapture } from "../helpers/tshark.js";
import { describeWith } from "../helpers/tools.js";
import { B, bytes, key, pump, sha, sink } from "./harness.js";

const ZERO_WINDOW = [
  "tcp.analysis.window_full",
  "tcp.analysis.zero_window",
  "tcp.analysis.zero_window_probe",
  "tcp.analysis.zero_window_probe_ack",
];

/** A transfer both ways between two stacks, captured at A with the engine's trace as packet comments. */
async function captured(link: Omit<MemoryLinkOptions, "clock">, tcp: Partial<TcpConfig> = {}, stallMs = 0) {
  const clock = new VirtualClock(1_700_000_000_000);
  const [la, lb] = memoryLinkPair({ delay: 5, ...link, clock });
  const memory = new MemorySink();
  const writer = new PcapngWriter(memory);
  const capture = new CaptureLink(la, writer, clock);
  const a = new IpStack({
    address: "10.0.0.1",
    link: capture,
    clock,
    tcp,
    isnKey: key(1),
    onTrace: (t) => capture.annotate(t),
  });
  const b = new IpStack({ address: B, link: lb, clock, tcp, isnKey: key(2) });
  const listener = b.listen(9000);
  const up = bytes(300_000, 1);
  const down = bytes(200_000, 2);
  let got: ReturnType<typeof sink> | null = null;
  listener.onConnection = () => {
    const s = listener.accept()!;
    const t0 = clock.now();
    got = sink(s, { paused: () => clock.now() - t0 < stallMs });
    if (stallMs > 0) clock.schedule(stallMs + 1, () => got!.drain());
    s.events.onStateChange = (_f, to) => {
      if (to === "CLOSE-WAIT") s.shutdown();
    };
    pump(s, down, false);
  };
  const c = a.connect(B, 9000);
  const back = sink(c);
  pump(c, up);
  expect(clock.runUntilIdle(3_600_000)).toBe(true);
  expect(sha(got!.data())).toBe(sha(up));
  expect(sha(back.data())).toBe(sha(down));
  await writer.close();
  return memory.bytes();
}

describeWith(["tshark"], "Wireshark judges the engine's traffic", () => {
  it("a clean transfer both ways, with close: no finding at all", async () => {
    expect(judgeCapture(await captured({}))).toEqual([]);
  });

  it("5% loss with reordering and duplicates: only the findings loss explains", async () => {
    // A duplicate that arrives after the peer closed draws an ACK from TIME-WAIT, and that ACK an RST from
    // the closed port (RFC 9293 §3.10.7.1): correct, and Wireshark's RST warning says so.
    const findings = judgeCapture(await captured({ loss: 0.05, reorder: 0.05, duplicate: 0.02, seed: 3 }), [
      ...LOSS_WARNINGS,
      RST_WARNING,
    ]);
    expect(findings).toEqual([]);
  });

  it("5% loss alone: no RST at all", async () => {
    const findings = judgeCapture(await captured({ loss: 0.05, seed: 4 }), [...LOSS_WARNINGS]);
    expect(findings).toEqual([]);
  });

  it("a receiver that stops reading: only the zero-window findings", async () => {
    const capture = await captured({}, { receiveBufferSize: 8192 }, 5000);
    expect(judgeCapture(capture).map((f) => f.name)).toContain("tcp.analysis.zero_window");
    expect(judgeCapture(capture, ZERO_WINDOW)).toEqual([]);
  });
});
