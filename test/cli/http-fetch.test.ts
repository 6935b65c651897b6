import { createHash, randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../../src/api/index.js";
import { toNodeDuplex } from "../../src/api/node.js";
import { run } from "../../src/cli/run.js";
import { udpTunnelLink } from "../../src/link/node.js";
import { testIo } from "../interop/cli-io.js";

/**
 * `wirestate http` and `wirestate fetch` joined by their UDP tunnels on 127.0.0.1: two userspace stacks,
 * no kernel TCP and no root needed. (Against the Linux kernel: test/interop/cli-http.test.ts.)
 */
const dir = mkdtempSync(join(tmpdir(), "wirestate-cli-"));
const www = join(dir, "www");
const big = randomBytes(3 << 20);
let server: { io: ReturnType<typeof testIo>; exited: Promise<number>; tunnel: string } | null = null;
const SERVER = "10.9.0.1";
const CLIENT = "10.9.0.2";

async function freePort(): Promise<number> {
  const s = createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  mkdirSync(join(www, "sub"), { recursive: true });
  mkdirSync(join(www, "site"), { recursive: true });
  writeFileSync(join(www, "big.bin"), big);
  writeFileSync(join(www, "sub", "a & b.txt"), "in a subdirectory\n");
  writeFileSync(join(www, "site", "index.html"), "<h1>index</h1>\n");
  writeFileSync(join(dir, "secret.txt"), "outside the served directory\n");
  const [a, b] = [await freePort(), await freePort()];
  const io = testIo();
  const exited = run(
    [
      "http",
      "--tunnel",
      `127.0.0.1:${a}=127.0.0.1:${b}`,
      "--address",
      `${SERVER},fd00:9::1/64`,
      "--port",
      "8080",
      "--dir",
      www,
    ],
    io,
  );
  while (!io.err().includes("serving")) {
    if ((await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 20))])) !== null)
      throw new Error(io.err());
  }
  server = { io, exited, tunnel: `127.0.0.1:${b}=127.0.0.1:${a}` };
});

afterAll(async () => {
  server?.io.stop();
  expect(await server?.exited).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

async function fetch(path: string, ...extra: string[]): Promise<{ code: number; out: Buffer; err: string }> {
  const io = testIo();
  const code = await run(
    ["fetch", `http://${SERVER}:8080${path}`, "--tunnel", server!.tunnel, "--address", CLIENT, ...extra],
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

describe("wirestate http <-> wirestate fetch over UDP tunnels on 127.0.0.1", () => {
  it("serves a 3 MiB file byte for byte, to stdout and to --output", async () => {
    const got = await fetch("/big.bin");
    expect(got.err).toMatch(/^3145728 bytes in /);
    expect(got.code).toBe(0);
    expect(createHash("sha256").update(got.out).digest("hex")).toBe(createHash("sha256").update(big).digest("hex"));
    const file = join(dir, "out.bin");
    expect((await fetch("/big.bin", "--output", file)).code).toBe(0);
    expect(readFileSync(file).equals(big)).toBe(true);
  });

  it("serves IPv6 too: fetch http://[fd00:9::1]:8080/ from a dual-stack client, byte for byte", async () => {
    expect(server!.io.err()).toContain("at http://10.9.0.1:8080/ and http://[fd00:9::1]:8080/ (");
    const io = testIo();
    const code = await run(
      ["fetch", "http://[fd00:9::1]:8080/big.bin", "--tunnel", server!.tunnel, "--address", `${CLIENT},fd00:9::2/64`],
      io,
    );
    expect(io.err()).toMatch(/^3145728 bytes in /);
    expect(code).toBe(0);
    expect(createHash("sha256").update(io.out()).digest("hex")).toBe(createHash("sha256").update(big).digest("hex"));
  });

  it("serves index.html for a directory that has one, a listing otherwise, and escaped names", async () => {
    expect((await fetch("/site/")).out.toString()).toBe("<h1>index</h1>\n");
    const listing = (await fetch("/sub/")).out.toString();
    expect(listing).toContain('<a href="/sub/a%20&amp;%20b.txt">a &amp; b.txt</a>');
    expect((await fetch("/sub/a%20%26%20b.txt")).out.toString()).toBe("in a subdirectory\n");
    expect((await fetch("/")).out.toString()).toContain('<a href="/sub/">sub/</a>');
  });

  it("answers 404 for what is not there and 403 for a path that leaves the directory", async () => {
    expect(await fetch("/nope")).toMatchObject({
      code: 1,
      err: `wirestate: GET http://${SERVER}:8080/nope: HTTP 404 Not Found\n`,
    });
    const traversal = await fetch("/..%2fsecret.txt");
    expect(traversal).toMatchObject({
      code: 1,
      err: `wirestate: GET http://${SERVER}:8080/..%2fsecret.txt: HTTP 403 Forbidden\n`,
    });
    expect(server!.io.err()).toMatch(/GET \/\.\.%2fsecret\.txt 403/);
  });

  it("answers POST with the body's SHA-256, HEAD with headers only, other methods with 405", async () => {
    const [bind, peer] = server!.tunnel.split("=");
    const link = await udpTunnelLink({ bind, peer });
    const stack = new Stack({ address: CLIENT, link });
    try {
      const request = async (method: string, path: string, body?: Uint8Array) => {
        const socket = toNodeDuplex(await stack.connect(SERVER, 8080));
        const req = http.request({
          method,
          host: SERVER,
          path,
          createConnection: () => socket,
          headers: body ? { "content-length": body.length } : {},
        });
        req.end(body);
        const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
          req.once("response", resolve).once("error", reject),
        );
        const parts: Buffer[] = [];
        for await (const chunk of res) parts.push(chunk as Buffer);
        return { status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) };
      };
      const upload = randomBytes(200_000);
      const posted = await request("POST", "/anything", upload);
      expect(posted.status).toBe(200);
      expect(posted.body.toString()).toBe(createHash("sha256").update(upload).digest("hex"));
      const head = await request("HEAD", "/big.bin");
      expect([head.status, head.headers["content-length"], head.body.length]).toEqual([200, String(big.length), 0]);
      const put = await request("PUT", "/big.bin", upload);
      expect([put.status, put.headers.allow]).toEqual([405, "GET, HEAD, POST"]);
    } finally {
      stack.close();
      link.close();
    }
  });
});
