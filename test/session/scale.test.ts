import { afterAll, describe, expect, it } from "vitest";
import { ScratchProject } from "./tsc.js";

/*
 * Big protocols type-check without TS2589 and in reasonable time: 200 steps (both sides walked one step
 * at a time, and a loop around all of them) and 100 labels (an exhaustive handler object and a switch).
 * The time is printed, not asserted against a tight bound (machine noise); the bound only catches blowups.
 */
const STEPS = 200;
const LABELS = 100;
const header = `import { dual, end, offer, rec, recv, select, send, session, u32, utf8, v, type ByteStream, type Chan, type Dual } from "../../src/session/index.js";\ndeclare const t: ByteStream;\n`;

function steps(): string {
  let proto = "end";
  for (let i = STEPS - 1; i >= 0; i--) proto = i % 2 === 0 ? `send(u32, ${proto})` : `recv(utf8, ${proto})`;
  const client: string[] = [];
  const server: string[] = [];
  for (let i = 0; i < STEPS; i++) {
    if (i % 2 === 0) {
      client.push(`  const c${i + 1} = c${i}.send(${i});`);
      server.push(`  const [n${i}, s${i + 1}] = await s${i}.recv(); const k${i}: number = n${i}; void k${i};`);
    } else {
      client.push(`  const [m${i}, c${i + 1}] = await c${i}.recv(); const k${i}: string = m${i}; void k${i};`);
      server.push(`  const s${i + 1} = s${i}.send("x");`);
    }
  }
  return `${header}
export const Long = ${proto};
export const Looping = rec("top", select({ again: ${proto.replace(/end\)+$/, (m) => `v("top")${m.slice(3)}`)}, stop: end }));
export async function client(): Promise<void> {
  const c0 = await session(Long, t);
${client.join("\n")}
  await c${STEPS}.close();
}
export async function server(): Promise<void> {
  const s0 = await session(dual(Long), t);
${server.join("\n")}
  await s${STEPS}.close();
}
export async function looping(): Promise<void> {
  let ch: Chan<typeof Looping> = await session(Looping, t);
  for (let round = 0; round < 3; round++) {
    const c0 = ch.select("again");
${client.join("\n").replace(/^/gm, "  ")}
    ch = c${STEPS};
  }
  await ch.select("stop").close();
}
export async function deepMistake(): Promise<void> {
  const c0 = await session(Long, t);
${client.slice(0, STEPS - 1).join("\n")}
  // @ts-expect-error the last step receives
  c${STEPS - 1}.send(1);
}
`;
}

function labels(): string {
  const branches = Array.from(
    { length: LABELS },
    (_, i) => `l${i}: ${i % 2 === 0 ? "send(u32, end)" : "recv(utf8, end)"}`,
  );
  const handlers = Array.from({ length: LABELS }, (_, i) =>
    i % 2 === 0
      ? `l${i}: async (c) => { const [x, e] = await c.recv(); await e.close(); return x; }`
      : `l${i}: async (c) => { await c.send("${i}").close(); return ${i}; }`,
  );
  const cases = Array.from({ length: LABELS }, (_, i) =>
    i % 2 === 0
      ? `case "l${i}": { const [x] = await o.chan.recv(); return x; }`
      : `case "l${i}": o.chan.send("y"); return ${i};`,
  );
  return `${header}
export const Wide = select({ ${branches.join(", ")} });
type Server = Dual<typeof Wide>;
export async function client(): Promise<void> {
  const ch = await session(Wide, t);
  await ch.select("l42").send(42).close();
  // @ts-expect-error there is no label l${LABELS}
  ch.select("l${LABELS}");
}
export async function handlers(): Promise<number> {
  const ch: Chan<Server> = await session(dual(Wide), t);
  return ch.offer<number>({ ${handlers.join(",\n    ")} });
}
export async function switched(): Promise<number> {
  const ch: Chan<Server> = await session(dual(Wide), t);
  const o = await ch.offer();
  switch (o.label) {
    ${cases.join("\n    ")}
    default: { const unreachable: never = o; return unreachable; }
  }
}
export async function missingOne(): Promise<number> {
  const ch: Chan<Server> = await session(dual(Wide), t);
  const { l7: _dropped, ...rest } = { ${handlers.join(",\n    ")} } as Parameters<typeof ch.offer<number>>[0];
  // @ts-expect-error l7 has no handler
  return ch.offer<number>(rest);
}
void offer;
`;
}

describe("type-checking large protocols", () => {
  const project = new ScratchProject({ "test/scale/steps.ts": steps(), "test/scale/labels.ts": labels() });
  afterAll(() => project.remove());

  it(`checks a ${STEPS}-step protocol and a ${LABELS}-label protocol cleanly`, () => {
    const { output, ms } = project.check();
    console.log(`tsc on ${STEPS}-step + ${LABELS}-label protocols (plus program startup): ${ms.toFixed(0)} ms`);
    expect(output).toBe("");
    expect(ms).toBeLessThan(30_000);
  });
});
