/**
 * The demo page's server behind pageServerGuard (issue 21): it serves its own page and plain clients, and
 * refuses, counted, what other pages the browser has open can send it: a foreign Origin, and a DNS name
 * re-pointed at 127.0.0.1 (rebinding).
 */
import { request } from "node:http";
import { describe, expect, it, vi } from "vitest";
import { LinkSetupError, pageServerGuard, warnIfExposed } from "../../src/link/node.js";
import { serveFiles } from "../../web/server.mjs";
import { useCleanup } from "../helpers/cleanup.js";

const defer = useCleanup();

const FILES = new Map([["index.html", new TextEncoder().encode("<!doctype html><title>demo</title>")]]);

async function serve(allowedOrigins?: string[]) {
  const guard = pageServerGuard({ allowedOrigins });
  const server = await serveFiles(FILES, { guard });
  defer(() => server.close());
  return { guard, server, port: Number(new URL(server.url).port) };
}

/** GET / on 127.0.0.1:port with the given headers; resolves the status and body. */
function get(port: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", headers }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the demo page's server behind pageServerGuard", () => {
  it("serves its own page's requests and clients that send no Origin", async () => {
    const { guard, server, port } = await serve();
    expect(server.origin).toBe(`http://127.0.0.1:${port}`);
    expect(await get(port, {})).toMatchObject({ status: 200, body: "<!doctype html><title>demo</title>" });
    expect((await get(port, { origin: server.origin })).status).toBe(200);
    expect((await get(port, { host: `localhost:${port}`, origin: `http://localhost:${port}` })).status).toBe(200);
    expect(guard.counters).toEqual({ origin: 0, host: 0 });
  });

  it("refuses another page's Origin with 403 unless listed", async () => {
    const { guard, port } = await serve(["http://localhost:5173"]);
    expect(await get(port, { origin: "https://evil.example" })).toEqual({
      status: 403,
      body: "origin https://evil.example is not allowed\n",
    });
    // Same host, other port: another origin.
    expect((await get(port, { origin: `http://127.0.0.1:${port + 1}` })).status).toBe(403);
    expect((await get(port, { origin: "http://localhost:5173" })).status).toBe(200);
    expect(guard.counters).toEqual({ origin: 2, host: 0 });
  });

  it("refuses a DNS name other than localhost in Host (rebinding), even with a matching Origin", async () => {
    const { guard, port } = await serve();
    const rebound = `evil.example:${port}`;
    expect(await get(port, { host: rebound, origin: `http://${rebound}` })).toEqual({
      status: 403,
      body: `host ${rebound} is not an address of this machine\n`,
    });
    expect((await get(port, { host: rebound })).status).toBe(403);
    expect((await get(port, { host: `[::1]:${port}` })).status).toBe(200);
    expect(guard.counters).toEqual({ origin: 0, host: 2 });
  });

  it("will not start without a guard, nor with an allowedOrigins entry that is no origin", async () => {
    expect(() => serveFiles(FILES, {} as never)).toThrow(TypeError);
    expect(() => pageServerGuard({ allowedOrigins: ["localhost:5173"] })).toThrow(LinkSetupError);
  });
});

describe("warnIfExposed", () => {
  it("warns for addresses other machines reach, once each, and never for loopback", () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    defer(() => warn.mockRestore());
    for (const host of ["127.0.0.1", "127.9.9.9", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) {
      expect(warnIfExposed("a page-guard test helper", host, "lock it")).toBe(false);
    }
    expect(warn).not.toHaveBeenCalled();
    for (const host of ["0.0.0.0", "::", "192.168.1.5", "my-laptop.lan"]) {
      expect(warnIfExposed("a page-guard test helper", host, "lock it")).toBe(true);
    }
    expect(warnIfExposed("a page-guard test helper", "0.0.0.0", "lock it")).toBe(true);
    expect(warn).toHaveBeenCalledTimes(4);
    expect(warn.mock.calls[0]).toEqual([
      "a page-guard test helper listens on 0.0.0.0, which other machines can reach: lock it",
      { type: "SecurityWarning", code: "WIRESTATE_EXPOSED" },
    ]);
  });
});
