import { describe, expect, it, vi } from "vitest";
import { type EventOf, Stack, VirtualClock, ethernetLink, eventText, memoryLinkPair } from "../../src/api/index.js";
import type { CaptureWriter, PacketRecord } from "../../src/pcap/writer.js";
import { drive, pass } from "../api/helpers.js";
import { dhcpLan } from "./lan.js";

type DhcpSeen = { event: EventOf<"dhcp">; state: string | undefined; address: string };

/** Each DHCP event of `stack`, with the client's state and the stack's address at that moment. */
function watch(stack: Stack): DhcpSeen[] {
  const seen: DhcpSeen[] = [];
  stack.events.on("dhcp", (event) => seen.push({ event, state: stack.dhcp?.state, address: stack.address }));
  return seen;
}

describe("DHCP lease changes as typed events on stack.events", () => {
  it("bound, renewing at T1, rebinding at T2, expired at the lease's end, each at its moment", async () => {
    const { clock, client, dhcp } = dhcpLan({ leaseTime: 600 });
    const a = client({ dhcp: { probe: false } });
    const seen = watch(a.stack);
    await drive(clock, a.stack.ready);
    const start = clock.now();
    expect(seen.map((s) => s.event)).toEqual([
      {
        type: "dhcp",
        time: start,
        connection: null,
        phase: "bound",
        address: "10.0.0.100",
        prefix: 24,
        server: "10.0.0.1",
        leaseTime: 600,
      },
    ]);
    await pass(clock, 300_000); // T1: renewed, bound again
    expect(seen.map((s) => s.event.phase)).toEqual(["bound", "renewing", "bound"]);
    expect(seen[1].event).toMatchObject({ address: "10.0.0.100", server: "10.0.0.1" });
    expect(seen[1].event.time - start).toBe(300_000);
    expect(seen[1].state).toBe("renewing");
    dhcp.close();
    await pass(clock, 300_000 + 300_000);
    const t1 = seen[2].event.time;
    expect(seen.slice(3).map((s) => [s.event.phase, s.event.time - t1, s.state, s.address])).toEqual([
      ["renewing", 300_000, "renewing", "10.0.0.100"],
      ["rebinding", 525_000, "rebinding", "10.0.0.100"],
      // The event comes as the lease ends, before the address goes.
      ["expired", 600_000, "rebinding", "10.0.0.100"],
    ]);
    expect(a.stack.address).toBe("0.0.0.0");
    a.stack.close();
  });

  it("declined: the ARP probe found the offered address in use", async () => {
    const { clock, client, sw } = dhcpLan();
    const squatter = new Stack({
      address: "10.0.0.100",
      link: ethernetLink({ link: sw.port(), address: "10.0.0.100/24", clock }),
      clock,
    });
    clock.runUntilIdle();
    const a = client();
    const seen = watch(a.stack);
    await drive(clock, a.stack.ready);
    expect(seen.map((s) => s.event)).toMatchObject([
      { phase: "declined", address: "10.0.0.100" },
      { phase: "bound", address: "10.0.0.101" },
    ]);
    squatter.close();
    a.stack.close();
  });

  it("nak: the server refuses an address of another network; the client starts over", async () => {
    const { clock, client } = dhcpLan();
    const a = client({ dhcp: { previousAddress: "192.168.7.7", probe: false } });
    const seen = watch(a.stack);
    await drive(clock, a.stack.ready);
    expect(seen.map((s) => s.event)).toMatchObject([
      { phase: "nak", message: "wrong network" },
      { phase: "bound", address: "10.0.0.100" },
    ]);
    a.stack.close();
  });

  it("restart: no answer to INIT-REBOOT's REQUESTs, back to DISCOVER", async () => {
    const random = vi.spyOn(Math, "random").mockReturnValue(0.5);
    const clock = new VirtualClock(0);
    const [near] = memoryLinkPair();
    const stack = new Stack({
      address: "dhcp",
      link: ethernetLink({ link: near, clock }),
      clock,
      dhcp: { previousAddress: "10.0.0.5", timeout: 600_000 },
    });
    const seen = watch(stack);
    const discovers = stack.dhcp?.counters.discoversOut;
    // Four REQUESTs 4, 8, 16 s apart, then 32 s more without an answer (RFC 2131 §4.1's backoff).
    await pass(clock, 59_000);
    expect(seen).toEqual([]);
    await pass(clock, 2000);
    // Told as the client gives up, still in INIT-REBOOT's REBOOTING; the DISCOVER follows at once.
    expect(seen.map((s) => [s.event.phase, s.event.time, s.state])).toEqual([["restart", 60_000, "rebooting"]]);
    expect(stack.dhcp?.counters.discoversOut).toBe((discovers ?? 0) + 1);
    stack.close();
    random.mockRestore();
  });

  it("eventText renders them as the lines onTrace gets", async () => {
    const { clock, client } = dhcpLan();
    const lines: string[] = [];
    const a = client({ dhcp: { probe: false }, onTrace: (line) => lines.push(line) });
    const seen = watch(a.stack);
    await drive(clock, a.stack.ready);
    expect(lines.filter((l) => l.startsWith("dhcp: "))).toEqual(["dhcp: bound 10.0.0.100/24 from 10.0.0.1 for 3600 s"]);
    expect(seen.map((s) => eventText(s.event))).toEqual(lines.filter((l) => l.startsWith("dhcp: ")));
    a.stack.close();
  });

  it("a capture's packet comments carry the same lines", async () => {
    const { clock, client } = dhcpLan({ leaseTime: 600 });
    const comments: string[] = [];
    const capture: CaptureWriter = {
      supportsComments: true,
      mediaType: "test",
      packets: 0,
      writePacket: (p: PacketRecord) => {
        comments.push(...(p.comments ?? []));
        return true;
      },
      drained: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const a = client({ dhcp: { probe: false }, capture });
    await drive(clock, a.stack.ready);
    await pass(clock, 300_000); // T1: the REQUEST that renews carries the lines before it
    expect(comments.filter((c) => c.startsWith("dhcp: "))).toEqual([
      "dhcp: bound 10.0.0.100/24 from 10.0.0.1 for 600 s",
      "dhcp: T1: renewing 10.0.0.100 with 10.0.0.1",
    ]);
    a.stack.close();
  });
});
