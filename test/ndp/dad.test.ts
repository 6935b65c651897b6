import { describe, expect, it } from "vitest";
import { IPV6_ALL_NODES, IPV6_UNSPECIFIED, solicitedNodeAddress } from "../../src/wire/ipv6-multicast.js";
import { PEER, PEER_MAC, ip, na, setup, text } from "./ndp-fixture.js";

const noRs = { maxRtrSolicitations: 0 };

describe("the link-local address and duplicate address detection (RFC 4862 §5.3, §5.4)", () => {
  it("forms fe80::/64 + a stable identifier, tentative, and joins all-nodes and its solicited-node group first", () => {
    const f = setup(noRs);
    f.nd.start();
    const [ll] = f.nd.addresses();
    expect(ll).toMatchObject({ state: "tentative", origin: "link-local", prefixLength: 64, validUntil: Infinity });
    expect(ll.text.startsWith("fe80::")).toBe(true);
    expect(f.nd.groups().map(text)).toEqual(["ff02::1", text(solicitedNodeAddress(ll.address))]);
    expect(f.nd.acceptsDestination(solicitedNodeAddress(ll.address), true)).toBe(true);
    expect(f.nd.acceptsMac(0x3333_0000_0001)).toBe(true);
    expect(f.nd.acceptsMac(0x3333_0000_0002)).toBe(false);
    // Tentative: not ours for ordinary packets, ours for DAD's NS and NA (§5.4).
    expect(f.nd.acceptsDestination(ll.address, false)).toBe(false);
    expect(f.nd.acceptsDestination(ll.address, true)).toBe(true);
    expect(f.nd.sourceAddress(PEER)).toBeNull();
    expect(f.events.map((e) => e.type)).toEqual(["groups", "address"]);
  });

  it("sends DupAddrDetectTransmits NSs from ::, after the random start delay, then assigns the address RetransTimer later", () => {
    const f = setup({ ...noRs, dupAddrDetectTransmits: 2 });
    f.nd.start();
    const [ll] = f.nd.addresses();
    f.clock.advance(499);
    expect(f.take()).toEqual([]);
    f.clock.advance(1);
    const dad = {
      src: "::",
      dst: text(solicitedNodeAddress(ll.address)),
      hopLimit: 255,
      message: { kind: "neighbor-solicitation", target: ll.address, sourceLinkLayer: null },
    };
    expect(f.take()).toEqual([dad]);
    f.clock.advance(1000);
    expect(f.take()).toEqual([dad]);
    f.clock.advance(999);
    expect(f.nd.addresses()[0].state).toBe("tentative");
    f.clock.advance(1);
    expect(f.nd.addresses()[0].state).toBe("preferred");
    expect(f.nd.acceptsDestination(ll.address, false)).toBe(true);
    expect(f.nd.sourceAddress(PEER)).toEqual(ll.address);
    expect(f.nd.counters.dadSolicitationsOut).toBe(2);
    expect(f.events.at(-1)).toMatchObject({ type: "address", address: { state: "preferred" } });
  });

  it("with DupAddrDetectTransmits 0 the address is preferred at once", () => {
    const f = setup({ ...noRs, dupAddrDetectTransmits: 0 });
    f.nd.start();
    expect(f.nd.addresses()[0].state).toBe("preferred");
    f.clock.advance(5000);
    expect(f.take()).toEqual([]);
  });

  it("an NA for the tentative address is a conflict: the address is dropped and the next DAD_Counter's tried (§5.4.4, RFC 7217 §6)", () => {
    const f = setup(noRs);
    f.nd.start();
    const [first] = f.nd.addresses();
    f.clock.advance(500);
    f.take();
    f.receive(PEER, IPV6_ALL_NODES, na(first.address, { override: true, targetLinkLayer: PEER_MAC }));
    expect(f.nd.counters.dadConflicts).toBe(1);
    const [second] = f.nd.addresses();
    expect(second.state).toBe("tentative");
    expect(second.text).not.toBe(first.text);
    expect(second.text.startsWith("fe80::")).toBe(true);
    expect(f.events.find((e) => e.type === "address-removed")).toMatchObject({
      address: { text: first.text },
      reason: "duplicate",
    });
    // The old solicited-node group is left (unless the new address shares it), the new one joined.
    expect(f.nd.groups().map(text)).toEqual(["ff02::1", text(solicitedNodeAddress(second.address))]);
    f.clock.advance(1000);
    expect(f.take().map((s) => s.message)).toEqual([
      { kind: "neighbor-solicitation", target: second.address, sourceLinkLayer: null },
    ]);
    f.clock.advance(1000);
    expect(f.nd.addresses()[0]).toMatchObject({ text: second.text, state: "preferred" });
  });

  it("an NS from :: for the tentative address (another node's DAD) is a conflict too (§5.4.3)", () => {
    const f = setup(noRs);
    f.nd.start();
    const [first] = f.nd.addresses();
    f.receive(IPV6_UNSPECIFIED, solicitedNodeAddress(first.address), {
      kind: "neighbor-solicitation",
      target: first.address,
      sourceLinkLayer: null,
    });
    expect(f.nd.counters.dadConflicts).toBe(1);
    expect(f.nd.addresses()[0].text).not.toBe(first.text);
  });

  it("an NS from a unicast address for the tentative address is ignored, not answered (§5.4.3)", () => {
    const f = setup(noRs);
    f.nd.start();
    const [first] = f.nd.addresses();
    f.receive(PEER, solicitedNodeAddress(first.address), {
      kind: "neighbor-solicitation",
      target: first.address,
      sourceLinkLayer: PEER_MAC,
    });
    expect(f.nd.counters).toMatchObject({ dadConflicts: 0, tentativeTargetIgnored: 1, neighborAdvertisementsOut: 0 });
    expect(f.nd.addresses()[0]).toMatchObject({ text: first.text, state: "tentative" });
  });

  it("gives up after IDGEN_RETRIES new identifiers: no address, counted", () => {
    const f = setup({ ...noRs, idgenRetries: 2 });
    f.nd.start();
    for (let i = 0; i < 3; i++) {
      const [a] = f.nd.addresses();
      f.receive(PEER, IPV6_ALL_NODES, na(a.address, { override: true, targetLinkLayer: PEER_MAC }));
    }
    expect(f.nd.addresses()).toEqual([]);
    expect(f.nd.counters).toMatchObject({ dadConflicts: 3, dadFailures: 1 });
    expect(f.nd.groups().map(text)).toEqual(["ff02::1"]);
  });

  it("answers another node's DAD for an assigned address with an NA to all nodes, S=0 (§7.2.4)", () => {
    const f = setup(noRs);
    f.nd.start();
    f.clock.advance(1500);
    f.take();
    const [ll] = f.nd.addresses();
    f.receive(IPV6_UNSPECIFIED, solicitedNodeAddress(ll.address), {
      kind: "neighbor-solicitation",
      target: ll.address,
      sourceLinkLayer: null,
    });
    expect(f.take()).toEqual([
      {
        src: ll.text,
        dst: "ff02::1",
        hopLimit: 255,
        message: na(ll.address, { override: true, targetLinkLayer: 0x0200_0000_0002 }),
      },
    ]);
    // An NA from someone else for our assigned address: counted, the address kept (§5.4.4).
    f.receive(PEER, IPV6_ALL_NODES, na(ll.address, { override: true, targetLinkLayer: PEER_MAC }));
    expect(f.nd.counters.addressConflicts).toBe(1);
    expect(f.nd.addresses()[0].state).toBe("preferred");
  });

  it("two nodes with the same secret and MAC: the second finds the first's address taken and moves on", () => {
    const a = setup(noRs);
    const b = setup(noRs);
    // Wire them together: what one sends to a group or address of the other's arrives there.
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      from.nd.onEvent = null;
      const send = (s: { src: string; dst: string; message: Parameters<typeof to.receive>[2] }) => {
        const dst = ip(s.dst);
        if (to.nd.acceptsDestination(dst, true)) to.receive(ip(s.src), dst, s.message);
      };
      const push = from.sent.push.bind(from.sent);
      from.sent.push = (...items) => {
        for (const s of items) send(s);
        return push(...items);
      };
    }
    a.nd.start();
    a.clock.advance(1500);
    expect(a.nd.addresses()[0].state).toBe("preferred");
    b.nd.start();
    b.clock.advance(500);
    // b's DAD NS reached a, whose NA to all nodes told b its address was taken.
    expect(a.nd.counters.neighborAdvertisementsOut).toBe(1);
    expect(b.nd.counters.dadConflicts).toBe(1);
    b.clock.advance(1500);
    const [la, lb] = [a.nd.addresses()[0], b.nd.addresses()[0]];
    expect(lb.state).toBe("preferred");
    expect(lb.text).not.toBe(la.text);
  });
});
