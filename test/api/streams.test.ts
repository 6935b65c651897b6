/** The typestate at run time: every state's handle, its transitions, and the handles they consume. */
import { describe, expect, it } from "vitest";
import { StaleHandleError } from "../../src/api/index.js";
import { type Pair, connected, drive, patternBytes, sha256, stackPair } from "./helpers.js";

const text = new TextDecoder();

/** Read until `want` bytes have arrived (a read returns what is there, so one read may not be enough). */
async function readExactly(
  p: Pair,
  s: { read(max?: number): Promise<{ done: boolean; value?: Uint8Array }> },
  want: number,
): Promise<string> {
  let out = "";
  while (out.length < want) {
    const r = await drive(p.clock, s.read());
    if (r.done || r.value === undefined) throw new Error(`end of stream after ${out.length} bytes`);
    out += text.decode(r.value);
  }
  return out;
}

function staleCall(fn: () => unknown): StaleHandleError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StaleHandleError);
    return e as StaleHandleError;
  }
  throw new Error("expected StaleHandleError, nothing was thrown");
}

describe("Established", () => {
  it("connects, exchanges bytes both ways, and knows both addresses", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    expect(client.state).toBe("Established");
    expect(client.peerAddr).toEqual({ address: "10.0.0.2", port: 80, family: "IPv4" });
    expect(server.localAddr).toEqual({ address: "10.0.0.2", port: 80, family: "IPv4" });
    expect(server.peerAddr).toEqual(client.localAddr);
    expect(client.info().state).toBe("ESTABLISHED");

    await drive(p.clock, client.write("ping"));
    expect(await readExactly(p, server, 4)).toBe("ping");
    await drive(p.clock, server.write(new TextEncoder().encode("pong!")));
    expect(await readExactly(p, client, 5)).toBe("pong!");
  });

  it("write with { noCopy: true } takes chunks over and delivers them intact over a lossy path", async () => {
    const p = stackPair({ delay: 5, loss: 0.03, seed: 11 });
    const { client, server } = await connected(p);
    const chunks = [patternBytes(100_000, 1), patternBytes(70_000, 2), patternBytes(30_000, 3)];
    const writing = Promise.all(chunks.map((c) => client.write(c, { noCopy: true })));
    const got: Uint8Array[] = [];
    let n = 0;
    while (n < 200_000) {
      const r = await drive(p.clock, server.read());
      if (r.done) throw new Error(`end of stream after ${n} bytes`);
      got.push(r.value);
      n += r.value.length;
    }
    await drive(p.clock, writing);
    expect(sha256(got)).toBe(sha256(chunks));
    expect(client.info().retransmits).toBeGreaterThan(0);
  });

  it("read returns what is available, at most maxBytes, without waiting for more", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    await drive(p.clock, client.write("abcdefghij"));
    while (server.info().bytesReceived < 10)
      await drive(p.clock, new Promise((r) => p.clock.schedule(1, () => r(null))));
    const first = await drive(p.clock, server.read(4));
    expect(!first.done && text.decode(first.value)).toBe("abcd");
    const rest = await drive(p.clock, server.read());
    expect(!rest.done && text.decode(rest.value)).toBe("efghij");
    await expect(server.read(0)).rejects.toThrow(RangeError);
    await expect(client.write(42 as unknown as Uint8Array)).rejects.toThrow(TypeError);
  });
});

describe("the peer's FIN", () => {
  it("a read that meets it hands back the CloseWait handle, which writes and closes", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    await drive(p.clock, client.write("last words"));
    const clientHalf = client.shutdown();
    expect(clientHalf.state).toBe("FinWait1");

    expect(await readExactly(p, server, 10)).toBe("last words");
    const end = await drive(p.clock, server.read());
    expect(end.done).toBe(true);
    if (!end.done) return;
    const closeWait = end.stream;
    expect(closeWait.state).toBe("CloseWait");
    expect(closeWait.info().state).toBe("CLOSE-WAIT");

    await drive(p.clock, closeWait.write("reply after FIN"));
    expect(await readExactly(p, clientHalf, 15)).toBe("reply after FIN");

    const closing = closeWait.close();
    const clientEnd = await drive(p.clock, clientHalf.read());
    expect(clientEnd.done).toBe(true);
    const closed = await drive(p.clock, closing);
    expect(closed.state).toBe("Closed");
    expect(closed.info().state).toBe("CLOSED");
    if (clientEnd.done) expect(clientEnd.stream.state).toBe("TimeWait");
  });

  it("CloseWait.shutdown gives LastAck, whose close resolves Closed once the FIN is acknowledged", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const clientHalf = client.shutdown();
    const end = await drive(p.clock, server.read());
    if (!end.done) throw new Error("expected end of stream");
    const lastAck = end.stream.shutdown();
    expect(lastAck.state).toBe("LastAck");
    expect(lastAck.info().state).toBe("LAST-ACK");
    const closed = await drive(p.clock, lastAck.close());
    expect(closed.state).toBe("Closed");
    const clientEnd = await drive(p.clock, clientHalf.read());
    expect(clientEnd.done && clientEnd.stream.state).toBe("TimeWait");
  });
});

describe("closing first", () => {
  it("shutdown (half-close) still reads; acknowledged() gives FinWait2; its end gives TimeWait", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const half = client.shutdown();
    const acked = await drive(p.clock, half.acknowledged());
    expect(acked.state).toBe("FinWait2");
    expect(acked.info().state).toBe("FIN-WAIT-2");

    const end = await drive(p.clock, server.read());
    if (!end.done) throw new Error("expected end of stream");
    await drive(p.clock, end.stream.write("still talking"));
    expect(await readExactly(p, acked, 13)).toBe("still talking");
    const lastAck = end.stream.shutdown();
    const fin = await drive(p.clock, acked.read());
    expect(fin.done).toBe(true);
    if (fin.done) {
      expect(fin.stream.state).toBe("TimeWait");
      expect(fin.stream.info().state).toBe("TIME-WAIT");
    }
    expect((await drive(p.clock, lastAck.close())).state).toBe("Closed");
  });

  it("close() sends FIN after queued data, drops what still arrives, and resolves TimeWait", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const big = new Uint8Array(100_000).fill(0x61);
    const writing = client.write(big);
    const closing = client.close();
    await drive(p.clock, writing);
    await drive(p.clock, server.write("ignored by a closing peer"));
    let received = 0;
    let r = await drive(p.clock, server.read());
    while (!r.done) {
      received += r.value.length;
      r = await drive(p.clock, server.read());
    }
    expect(received).toBe(100_000);
    const closed = await drive(p.clock, r.stream.close());
    expect(closed.state).toBe("Closed");
    const done = await drive(p.clock, closing);
    expect(done.state).toBe("TimeWait");
  });

  it("close() on an Established handle whose peer already sent FIN (unread) resolves Closed, via LAST-ACK", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    await drive(p.clock, client.write("unread"));
    const acked = await drive(p.clock, client.shutdown().acknowledged());
    expect(server.info().state).toBe("CLOSE-WAIT"); // the FIN arrived; the application has not read it
    const closed = await drive(p.clock, server.close());
    expect(closed.state).toBe("Closed");
    const r = await drive(p.clock, acked.read());
    expect(r.done).toBe(true);
  });

  it("simultaneous close: FinWait1 meets the peer's FIN before its own is acknowledged -> Closing -> TimeWait", async () => {
    const p = stackPair({ delay: 20 });
    const { client, server } = await connected(p);
    const a = client.shutdown();
    const b = server.shutdown();
    const ra = await drive(p.clock, a.read());
    const rb = await drive(p.clock, b.read());
    if (!ra.done || !rb.done) throw new Error("expected end of stream on both");
    expect(ra.stream.state).toBe("Closing");
    expect(["CLOSING", "TIME-WAIT"]).toContain(ra.stream.info().state);
    if (ra.stream.state !== "Closing") return;
    const tw = await drive(p.clock, ra.stream.close());
    expect(tw.state).toBe("TimeWait");
    expect(tw.info().state).toBe("TIME-WAIT");
  });
});

describe("stale handles", () => {
  it("every transition consumes the handle it was called on, and the error names the state and the call", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const half = client.shutdown();

    const e = staleCall(() => client.shutdown());
    expect(e.state).toBe("Established");
    expect(e.consumedBy).toBe("shutdown()");
    expect(e.replacedBy).toBe("FinWait1");
    expect(e.message).toBe(
      `stale TcpStream<"Established"> handle: it was consumed by shutdown(); use the TcpStream<"FinWait1"> it returned`,
    );
    staleCall(() => client.abort());
    staleCall(() => client.info());
    staleCall(() => client.peerAddr);
    await expect(client.write("x")).rejects.toBeInstanceOf(StaleHandleError);
    await expect(client.read()).rejects.toBeInstanceOf(StaleHandleError);
    await expect(client.close()).rejects.toBeInstanceOf(StaleHandleError);

    const end = await drive(p.clock, server.read());
    if (!end.done) throw new Error("expected end of stream");
    const viaRead = staleCall(() => server.shutdown());
    expect(viaRead.consumedBy).toBe("read() reaching end-of-stream");
    expect(viaRead.replacedBy).toBe("CloseWait");

    const closing = end.stream.close();
    const afterClose = staleCall(() => end.stream.abort());
    expect(afterClose).toMatchObject({ state: "CloseWait", consumedBy: "close()" });
    await drive(p.clock, closing);

    const acked = await drive(p.clock, half.acknowledged());
    staleCall(() => half.abort());
    const dead = acked.abort();
    expect(dead.state).toBe("Closed");
    expect(staleCall(() => acked.info())).toMatchObject({
      state: "FinWait2",
      consumedBy: "abort()",
      replacedBy: "Closed",
    });
  });

  it("a read pending on a handle that shutdown() consumed still gets data, but leaves the end for the live handle", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const pendingData = client.read();
    const half = client.shutdown();
    await drive(p.clock, server.write("data"));
    const got = await drive(p.clock, pendingData);
    expect(!got.done && text.decode(got.value)).toBe("data");

    const pendingEnd = client.read().catch((e: unknown) => e);
    expect(await pendingEnd).toBeInstanceOf(StaleHandleError); // issued after consumption: refused at once
    const racing = half.read();
    const end = await drive(p.clock, server.read());
    if (!end.done) throw new Error("expected end of stream");
    end.stream.shutdown();
    const fin = await drive(p.clock, racing);
    expect(fin.done).toBe(true);
  });

  it("two handles cannot both take the end of stream", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const first = server.read();
    const second = server.read().catch((e: unknown) => e);
    client.shutdown();
    const r1 = await drive(p.clock, first);
    expect(r1.done).toBe(true);
    expect(await drive(p.clock, second)).toBeInstanceOf(StaleHandleError);
  });
});
