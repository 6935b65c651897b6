import { describe, expect, it } from "vitest";
import { kvClient, KvStore, kvServer, type Command } from "../../examples/session-kv-store.js";
import { dual, session } from "../../src/session/index.js";
import { drive, stackPair } from "../api/helpers.js";

/*
 * Sessions over wirestate TCP on an impaired in-memory wire (virtual clock, seeded): loss, reordering,
 * duplication and corruption are the TCP engine's to repair; the session must see an intact byte stream
 * and finish with the right answers.
 */
const commands: Command[] = Array.from(
  { length: 60 },
  (_, i): Command =>
    i % 3 === 0
      ? { op: "put", key: `k${i % 7}`, value: "v".repeat(i * 50) }
      : i % 3 === 1
        ? { op: "get", key: `k${i % 7}` }
        : { op: "delete", key: `k${(i + 3) % 7}` },
);

/** What a Map would answer, to compare against. */
function expected(): (string | boolean | undefined)[] {
  const m = new Map<string, string>();
  return commands.map((c) => {
    if (c.op === "get") return m.get(c.key);
    if (c.op === "delete") return m.delete(c.key);
    const had = m.has(c.key);
    m.set(c.key, c.value);
    return had;
  });
}

describe("sessions over an impaired wire", () => {
  for (const seed of [1, 2, 3]) {
    it(`the key-value store survives 5% loss, reordering, duplicates and corruption (seed ${seed})`, async () => {
      const { clock, client, server, links } = stackPair({
        delay: 10,
        jitter: 3,
        loss: 0.05,
        reorder: 0.05,
        duplicate: 0.02,
        corrupt: 0.01,
        seed,
      });
      const listener = server.listen(7000);
      const accepted = listener.accept();
      const run = (async () => {
        const [c, s] = await Promise.all([client.connect("10.0.0.2", 7000), accepted]);
        const store = new Map<string, string>();
        const [answers] = await Promise.all([
          session(KvStore, c).then((ch) => kvClient(ch, commands)),
          session(dual(KvStore), s).then((ch) => kvServer(ch, store)),
        ]);
        return answers;
      })();
      const answers = await drive(clock, run);
      expect(answers).toEqual(expected());
      const { tx, rx } = links[0].counters;
      const impaired = tx.dropped.loss + rx.dropped.loss + tx.corrupted + rx.corrupted + tx.reordered + rx.reordered;
      expect(tx.dropped.loss + rx.dropped.loss).toBeGreaterThan(0);
      expect(impaired).toBeGreaterThan(5);
      client.close();
      server.close();
    });
  }
});
