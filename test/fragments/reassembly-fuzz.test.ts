import { describe, expect, it } from "vitest";
import { fragmentPacket } from "../../src/fragments/fragmenter.js";
import { Prng } from "../../src/link/prng.js";
import type { Fragment } from "../../src/fragments/fragment-header.js";
import { datagram, piece, rig, SRC } from "./fragment-fixtures.js";
import { readFragment } from "./fragment-fixtures.js";

/** A seeded stream of numbers in [0, 1): the links' own PRNG, so a failing seed replays. */
function random(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.float();
}

type Plan = "whole" | "missing" | "overlap";

describe("IPv4 reassembly fuzz: random fragment sets", () => {
  it("only whole, unmixed datagrams come out; the bounds hold; everything times out to nothing", () => {
    const totals = { reassembled: 0, overlaps: 0, duplicates: 0, refused: 0 };
    for (let seed = 1; seed <= 40; seed++) {
      const rnd = random(seed);
      const maxBytes = 16_000 + Math.floor(rnd() * 200_000);
      const t = rig({ maxBytes, maxDatagrams: 8 + Math.floor(rnd() * 32), maxPerSource: 4 + Math.floor(rnd() * 16) });
      const originals = new Map<string, Uint8Array>();
      const plans = new Map<string, Plan>();
      const all: Fragment[] = [];
      const count = 5 + Math.floor(rnd() * 30);
      for (let n = 0; n < count; n++) {
        const src = SRC + Math.floor(rnd() * 4);
        const whole = datagram(1 + Math.floor(rnd() * 6000), n, seed * 1000 + n, src);
        const k = `${src}/${n}`;
        originals.set(k, whole);
        // Random cut points on 8-byte boundaries.
        const length = whole.length - 20;
        const cuts = [0];
        while (cuts[cuts.length - 1] < length)
          cuts.push(Math.min(length, cuts[cuts.length - 1] + 8 * (1 + Math.floor(rnd() * 200))));
        let fs = cuts.slice(1).map((to, i) => piece(whole, cuts[i], to));
        const roll = rnd();
        let plan: Plan = "whole";
        if (roll < 0.2 && fs.length > 1) {
          fs.splice(Math.floor(rnd() * fs.length), 1);
          plan = "missing";
        } else if (roll < 0.4 && length >= 16) {
          const from = 8 * Math.floor((rnd() * (length - 8)) / 8);
          // A fragment straddling a cut, or inside one: never an exact copy of a held fragment.
          const to = Math.min(length, from + 8 + 8 * Math.floor(rnd() * 40));
          if (!fs.some((f) => f.offset === from && f.offset + f.data.length === to)) {
            fs.push(piece(whole, from, to, to < length));
            plan = "overlap";
          }
        }
        if (rnd() < 0.3) fs = [...fs, ...fs.filter(() => rnd() < 0.3)]; // exact duplicates
        plans.set(k, plan);
        all.push(...fs);
      }
      for (let i = all.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [all[i], all[j]] = [all[j], all[i]];
      }
      for (const f of all) {
        t.feed([f]);
        expect(t.r.heldBytes, `seed ${seed}`).toBeLessThanOrEqual(maxBytes);
      }
      const seen = new Set<string>();
      for (const p of t.out) {
        const src = new DataView(p.buffer).getUint32(12);
        const k = `${src}/${(p[4] << 8) | p[5]}`;
        expect(p, `seed ${seed} ${k}`).toEqual(originals.get(k));
        expect(plans.get(k), `seed ${seed} ${k}`).not.toBe("missing");
        seen.add(k);
      }
      // With no bound hit, a datagram sent whole (duplicates aside) always comes out.
      const refused = ["fragment-memory", "fragment-datagrams", "fragment-per-source"] as const;
      if (refused.every((d) => t.counters.drops[d] === 0)) {
        for (const [k, plan] of plans) if (plan === "whole") expect(seen.has(k), `seed ${seed} ${k}`).toBe(true);
      }
      t.clock.advance(30_000);
      expect(t.r.pendingDatagrams).toBe(0);
      expect(t.r.heldBytes).toBe(0);
      totals.reassembled += t.counters.datagramsReassembled;
      totals.overlaps += t.counters.drops["fragment-overlap"];
      totals.duplicates += t.counters.duplicateFragments;
      totals.refused += refused.reduce((n, d) => n + t.counters.drops[d], 0);
    }
    // The sets reached every path: completions, overlaps, duplicates and the bounds.
    for (const [what, n] of Object.entries(totals)) expect(n, what).toBeGreaterThan(10);
  });

  it("random bytes read as fragments never throw and never pass the bounds", () => {
    const rnd = random(77);
    const t = rig({ maxBytes: 50_000 });
    for (let n = 0; n < 3000; n++) {
      const whole = datagram(8 + Math.floor(rnd() * 1500), Math.floor(rnd() * 4));
      for (let k = 0; k < 4; k++) whole[20 + Math.floor(rnd() * 8)] = Math.floor(rnd() * 256);
      const field = Math.floor(rnd() * 0x4000);
      whole[6] = field >> 8;
      whole[7] = field & 255;
      const f = readFragment(whole);
      if (f !== null) t.feed([f]);
      expect(t.r.heldBytes).toBeLessThanOrEqual(50_000);
    }
  });

  it("fragmentPacket's fragments, in any order, reassemble to the datagram at every MTU", () => {
    const rnd = random(5);
    for (let n = 0; n < 200; n++) {
      const t = rig();
      const whole = datagram(Math.floor(rnd() * 9000), n);
      const mtu = 68 + Math.floor(rnd() * 1500);
      const fs = fragmentPacket(whole, mtu);
      for (const f of fs) expect(f.length).toBeLessThanOrEqual(mtu);
      fs.sort(() => rnd() - 0.5);
      for (const f of fs) {
        const r = readFragment(f);
        if (r === null) throw new Error("fragmentPacket made an unreadable fragment");
        if (fs.length === 1) continue;
        t.feed([r]);
      }
      expect(fs.length === 1 ? [fs[0]] : t.out).toEqual([whole]);
    }
  });
});
