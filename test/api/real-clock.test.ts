/** The API on the real clock, as the CLI and browsers run it: no test driver, just the event loop. */
import { expect, it } from "vitest";
import { memoryLinkPair, Stack } from "../../src/api/index.js";
import { patternBytes, sha256 } from "./helpers.js";

it("connects, moves 1 MiB with 1% loss, and closes on the real clock", async () => {
  const [a, b] = memoryLinkPair({ delay: 1, loss: 0.01, seed: 3 });
  await using client = new Stack({ address: "10.0.0.1", link: a, tcp: { minRto: 50, initialRto: 200 } });
  await using server = new Stack({ address: "10.0.0.2", link: b, tcp: { minRto: 50, initialRto: 200 } });
  await using listener = server.listen(80);
  const data = patternBytes(1 << 20, 5);
  const receiving = (async () => {
    const s = await listener.accept();
    const parts: Uint8Array[] = [];
    for (;;) {
      const r = await s.read();
      if (r.done) {
        await r.stream.close();
        return parts;
      }
      parts.push(r.value);
    }
  })();
  const s = await client.connect("10.0.0.2", 80);
  await s.write(data);
  const done = await s.close();
  expect(done.state).toBe("TimeWait");
  expect(sha256(await receiving)).toBe(sha256(data));
});
