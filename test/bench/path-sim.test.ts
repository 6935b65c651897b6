import { describe, expect, it } from "vitest";
import { runPath, type PathSpec } from "../../bench/src/path-sim.js";

const path = (loss: number): PathSpec => ({
  rttMs: 20,
  bandwidthBps: 10e6,
  queueBytes: 1 << 20,
  mtu: 1500,
  loss,
  seed: 7,
});
const tcp = { receiveBufferSize: 65535, sendBufferSize: 256 * 1024 };

describe("runPath (the path suite's simulation harness)", () => {
  it("measures goodput a little below the link rate on a clean path the window can fill", () => {
    const r = runPath({ path: path(0), tcp, warmupMs: 1000, measureMs: 2000 });
    // Payload share of a full packet with at most 40 bytes of options: the goodput ceiling.
    const ceiling = 10e6 * (r.info.mss / 1500);
    expect(r.goodputBps).toBeLessThanOrEqual(ceiling * 1.001);
    expect(r.goodputBps).toBeGreaterThan(ceiling * 0.95);
    expect(r.randomDrops).toBe(0);
    expect(r.queueDrops).toBe(0);
  });

  it("drops data segments at the asked rate and traces what the sender really sent", () => {
    const r = runPath({ path: path(0.02), tcp, warmupMs: 0, measureMs: 3000, trace: true });
    const t = r.trace!;
    const sent = t.segments.length;
    expect(r.randomDrops / sent).toBeGreaterThan(0.01);
    expect(r.randomDrops / sent).toBeLessThan(0.03);
    expect(t.segments.filter((s) => s.retransmit).length).toBe(r.info.retransmits);
    expect(t.segments.reduce((n, s) => n + s.len, 0)).toBe(r.info.bytesSent + r.info.retransmittedBytes);
    // ACKs never go backwards and never pass what was sent.
    const highest = Math.max(...t.segments.map((s) => s.seq + s.len));
    for (let i = 1; i < t.acks.length; i++) expect(t.acks[i].ack).toBeGreaterThanOrEqual(t.acks[i - 1].ack);
    expect(t.acks.at(-1)!.ack).toBeLessThanOrEqual(highest);
    expect(t.cwnd.length).toBeGreaterThan(2);
  });

  it("gives the same result for the same seed", () => {
    const a = runPath({ path: path(0.02), tcp, warmupMs: 0, measureMs: 1000 });
    const b = runPath({ path: path(0.02), tcp, warmupMs: 0, measureMs: 1000 });
    expect(b.goodputBps).toBe(a.goodputBps);
    expect(b.info.retransmits).toBe(a.info.retransmits);
  });
});
