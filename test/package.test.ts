/**
 * The packed package's types, as a user on `skipLibCheck: false` sees them: every entry point imported
 * and used, checked by the oldest TypeScript we support (5.4, from test/package-types/) and by the
 * repository's own (the newest). Before, TypeScript 5.x failed on `Type 'Uint8Array' is not generic`.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageName, packedProject, repo, typecheck } from "./helpers/packed.js";

const dir = packedProject("wirestate-package-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
writeFileSync(
  join(dir, "tsconfig.json"),
  JSON.stringify({
    compilerOptions: {
      target: "es2022",
      module: "nodenext",
      lib: ["es2022", "esnext.disposable"], // no "dom": a Node-only project
      types: ["node"],
      strict: true,
      skipLibCheck: false,
      noEmit: true,
    },
    include: ["*.ts"],
  }),
);
writeFileSync(
  join(dir, "uses-every-entry.ts"),
  `import { Stack, memoryLinkPair, type TcpStream, type ReadHalf, WirestateError } from "${packageName}";
import { nodeNet, toNodeDuplex, type TcpDuplex } from "${packageName}/node";
import { send, recv, end, utf8, session, dual } from "${packageName}/session";
import { parsePacket } from "${packageName}/wire";
import { PcapngWriter, MemorySink } from "${packageName}/pcap";
import { NodeFileSink } from "${packageName}/pcap/node";
import { impair, messagePortLink, webSocketLink } from "${packageName}/link";
import { udpTunnelLink } from "${packageName}/link/node";
import { Resolver } from "${packageName}/dns";
import { runScript } from "${packageName}/packetdrill";

const [a] = memoryLinkPair();
const stack = new Stack({ address: "10.0.0.1", link: a, capture: new PcapngWriter(new MemorySink()) });
export async function use(s: TcpStream<"Established">): Promise<ReadHalf<"Open">> {
  const d: TcpDuplex = toNodeDuplex(stack.connect("10.0.0.2", 80));
  nodeNet(stack).createServer((socket) => socket.pipe(socket)).listen(0);
  void d;
  const P = send(utf8, recv(utf8, end));
  void session(dual(P), s);
  return s.split().reader;
}
export const values = [parsePacket, NodeFileSink, impair, messagePortLink, webSocketLink, udpTunnelLink, WirestateError, Resolver, runScript];
`,
);

describe("the packed package's types", () => {
  it(`type-check with skipLibCheck false on the repository's TypeScript`, () => {
    expect(typecheck(join(repo, "node_modules/typescript/bin/tsc"), dir)).toBe("");
  });

  const ts54 = join(repo, "test/package-types/node_modules/typescript/bin/tsc");
  // .ci/run installs it (npm ci --prefix test/package-types); without CI a missing one is a visible skip.
  it.skipIf(!existsSync(ts54) && process.env.CI !== "true")(
    "type-check with skipLibCheck false on TypeScript 5.4",
    () => {
      expect(typecheck(ts54, dir)).toBe("");
    },
  );
});
