import { describe, expect, it } from "vitest";
import { quickstart } from "../examples/quickstart.js";

describe("the README's quick-start example", () => {
  it("echoes the client's bytes over a lossy wire and every handle closes", async () => {
    const message = "hello, ".repeat(2000); // several segments, so the 1% loss has something to hit
    expect(await quickstart(message)).toBe(message);
  });
});
