import { describe, expect, it } from "vitest";
import type { TcpConnection } from "../../src/tcp/connection.js";
import { ConnectionTable } from "../../src/tcp/connection-table.js";

/** The four-tuple fields the table reads; the table never touches anything else of a connection. */
const conn = (localPort: number, remotePort: number, remoteIp: number) =>
  ({ localPort, remotePort, remoteIp }) as TcpConnection;

describe("ConnectionTable", () => {
  it("finds a connection by its four-tuple and nothing by a tuple that differs in any part", () => {
    const t = new ConnectionTable();
    const a = conn(80, 50000, 0x0a000001);
    t.add(a);
    expect(t.get(80, 50000, 0x0a000001)).toBe(a);
    expect(t.get(80, 50000, 0x0a000002)).toBeUndefined();
    expect(t.get(80, 50001, 0x0a000001)).toBeUndefined();
    expect(t.get(81, 50000, 0x0a000001)).toBeUndefined();
    expect(t.size).toBe(1);
  });

  it("keeps two remote hosts that share a port pair apart, and goes back to one entry when one leaves", () => {
    const t = new ConnectionTable();
    const a = conn(80, 50000, 0x0a000001);
    const b = conn(80, 50000, 0x0a000002);
    const c = conn(80, 50000, 0x0a000003);
    t.add(a);
    t.add(b);
    t.add(c);
    expect([t.get(80, 50000, 0x0a000001), t.get(80, 50000, 0x0a000002), t.get(80, 50000, 0x0a000003)]).toEqual([
      a,
      b,
      c,
    ]);
    expect(t.size).toBe(3);
    t.remove(b);
    t.remove(a);
    expect(t.get(80, 50000, 0x0a000001)).toBeUndefined();
    expect(t.get(80, 50000, 0x0a000003)).toBe(c);
    expect(t.size).toBe(1);
    expect(t.all()).toEqual([c]);
  });

  it("replaces a connection of the same tuple, and ignores the removal of one it no longer holds", () => {
    const t = new ConnectionTable();
    const old = conn(80, 50000, 0x0a000001);
    const fresh = conn(80, 50000, 0x0a000001);
    t.add(old);
    t.add(fresh);
    expect(t.size).toBe(1);
    t.remove(old);
    expect(t.get(80, 50000, 0x0a000001)).toBe(fresh);
    t.remove(fresh);
    expect(t.size).toBe(0);
    expect(t.all()).toEqual([]);
  });
});
