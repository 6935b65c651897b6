/** UDP over a seeded impaired link: what arrives is intact, corruption is caught by the checksum, runs repeat. */
import { describe, expect, it } from "vitest";
import { stackPair, pass } from "../api/helpers.js";

/** Datagram `i`: its index, then bytes that depend on it, so any mix-up or damage shows. */
function datagram(i: number): Uint8Array {
  const d = new Uint8Array(4 + (i % 700));
  new DataView(d.buffer).setUint32(0, i);
  for (let k = 4; k < d.length; k++) d[k] = (i * 31 + k) & 255;
  return d;
}

async function exchange(seed: number) {
  const { clock, client, server } = stackPair({ delay: 3, jitter: 2, loss: 0.1, duplicate: 0.05, corrupt: 0.05, seed });
  const sink = server.udp({ port: 9000, queue: { maxDatagrams: 4096 } });
  const from = client.udp();
  for (let i = 0; i < 1000; i++) {
    from.send(datagram(i), "10.0.0.2", 9000);
    if (i % 50 === 49) await pass(clock, 1);
  }
  await pass(clock, 100);
  const got: number[] = [];
  const damaged: number[] = [];
  for (let m = sink.counters.datagramsIn; m > 0; m--) {
    const d = await sink.receive();
    if (d === null) break;
    const i = new DataView(d.data.buffer, d.data.byteOffset).getUint32(0);
    if (d.data.length !== datagram(i).length || !d.data.every((b, k) => b === datagram(i)[k])) damaged.push(i);
    got.push(i);
  }
  return { got, damaged, counters: server.counters };
}

describe("UDP over a lossy, duplicating, corrupting link", () => {
  it("every datagram that arrives is intact; the losses and the corrupt ones are counted, not delivered", async () => {
    const { got, damaged, counters } = await exchange(3);
    expect(damaged).toEqual([]);
    expect(got.length).toBeGreaterThan(800);
    expect(got.length).toBeLessThan(1050);
    // Corruption that the IPv4 or UDP checksum caught; none slipped through (damaged is empty).
    expect(counters.drops["bad-udp-checksum"] + counters.drops["bad-ip-checksum"]).toBeGreaterThan(0);
    expect(counters.datagramsIn).toBe(got.length);
  });

  it("the same seed gives the same datagrams in the same order", async () => {
    const a = await exchange(17);
    const b = await exchange(17);
    expect(a.got).toEqual(b.got);
  });
});
