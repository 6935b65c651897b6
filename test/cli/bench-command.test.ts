import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { testIo } from "../interop/cli-io.js";

describe("wirestate bench", () => {
  it("says the benchmarks run from the repository, with one line and status 1", async () => {
    const io = testIo();
    expect(await run(["bench", "--json"], io)).toBe(1);
    expect(io.err()).toBe(
      "wirestate: bench: the benchmarks are not in the installed package; run `npm run bench` in the repository\n",
    );
    expect(io.out().length).toBe(0);
  });

  it("says the same in its help", async () => {
    const io = testIo();
    expect(await run(["bench", "--help"], io)).toBe(0);
    expect(io.out().toString()).toMatch(/runs\s+from the repository, not the installed package: `npm run bench` there/);
  });
});
