/** `await using` on streams and listeners, and backpressure: what happens to a connection over its life. */
import { describe, expect, it } from "vitest";
import {
  Stack,
  ConnectionRefusedError,
  ConnectionResetError,
  StaleHandleError,
  type TcpStream,
} from "../../src/api/index.js";
import { MemorySink, PcapngWriter } from "../../src/pcap/index.js";
import { connected, drive, pass, patternBytes, sha256, sleep, stackPair } from "./helpers.js";

/** Read to the end; the peer's bytes and the CloseWait handle. */
async function drain(s: TcpStream<"Established">): Promise<{ bytes: Uint8Array[]; next: TcpStream<"CloseWait"> }> {
  const bytes: Uint8Array[] = [];
  for (;;) {
    const r = await s.read();
    if (r.done) return { bytes, next: r.stream };
    bytes.push(r.value);
  }
}

const text = (parts: Uint8Array[]) => new TextDecoder().decode(Buffer.concat(parts));

describe("await using", () => {
  it("closes gracefully when the block ends normally", async () => {
    const p = stackPair();
    const listener = p.server.listen(8080);
    const peer = (async () => {
      const s = await listener.accept();
      const { bytes, next } = await drain(s);
      return { got: text(bytes), closed: await next.close() };
    })();
    let kept: TcpStream<"Established"> | undefined;
    await drive(
      p.clock,
      (async () => {
        await using s = await p.client.connect("10.0.0.2", 8080);
        kept = s;
        await s.write("inside the block");
      })(),
    );
    const { got, closed } = await drive(p.clock, peer);
    expect(got).toBe("inside the block");
    expect(closed.state).toBe("Closed"); // our FIN came, and its ACK of the peer's FIN too: a graceful end
    expect(() => kept!.info()).toThrow(StaleHandleError);
    expect(p.client.connectionCount).toBe(1); // held in TIME-WAIT: we closed first
  });

  it("closes gracefully when the block throws, and the exception still propagates", async () => {
    const p = stackPair();
    const listener = p.server.listen(80);
    const peer = (async () => {
      const { bytes, next } = await drain(await listener.accept());
      await next.close();
      return text(bytes);
    })();
    const outcome = drive(
      p.clock,
      (async () => {
        await using s = await p.client.connect("10.0.0.2", 80);
        await s.write("partial work");
        throw new Error("boom");
      })(),
    );
    await expect(outcome).rejects.toThrow("boom");
    expect(await drive(p.clock, peer)).toBe("partial work"); // an end of stream, not a reset
  });

  it("returns once our FIN is acknowledged; lingers for the peer's FIN in the background, then aborts", async () => {
    const p = stackPair({ delay: 5 }, { closeTimeout: 1_000 });
    const { client, server } = await connected(p);
    const t0 = p.clock.now();
    await drive(
      p.clock,
      (async () => {
        await using s = client;
        await s.write("x");
      })(),
    );
    expect(p.clock.now() - t0).toBeLessThan(200); // one round trip (and a delayed ACK), not the timeout
    const r = await drive(p.clock, server.read());
    expect(!r.done && r.value.length).toBe(1);
    const end = await drive(p.clock, server.read());
    if (!end.done) throw new Error("expected end of stream");
    await drive(p.clock, end.stream.write("dropped by the lingering side")); // no reset yet
    await pass(p.clock, 1_100); // the peer never closes: the close timeout runs out, RST
    await expect(end.stream.write("never answered")).rejects.toBeInstanceOf(ConnectionResetError);
    expect(p.client.connectionCount).toBe(0);
  });

  it("disposing a handle that a read replaced closes its successor (CloseWait)", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const half = client.shutdown();
    await drive(
      p.clock,
      (async () => {
        await using s = server;
        const r = await s.read();
        expect(r.done).toBe(true);
      })(),
    );
    const fin = await drive(p.clock, half.read());
    expect(fin.done && fin.stream.state).toBe("TimeWait");
  });

  it("a listener stops listening and refuses its backlog", async () => {
    const p = stackPair();
    const waiting = await drive(
      p.clock,
      (async () => {
        await using listener = p.server.listen(80);
        const s = await p.client.connect("10.0.0.2", 80);
        await sleep(p.clock, 20); // our ACK reaches the server: the handshake is done there too, never accepted
        expect(listener.backlogLength).toBe(1);
        return s;
      })(),
    );
    await expect(drive(p.clock, waiting.read())).rejects.toBeInstanceOf(ConnectionResetError);
    await expect(drive(p.clock, p.client.connect("10.0.0.2", 80))).rejects.toBeInstanceOf(ConnectionRefusedError);
  });
});

describe("backpressure", () => {
  it("a writer whose peer does not read waits: accepted bytes stay within the two buffers", async () => {
    const sendBufferSize = 64 * 1024;
    const receiveBufferSize = 32 * 1024;
    const p = stackPair({ delay: 5 }, { tcp: { sendBufferSize, receiveBufferSize } });
    const { client, server } = await connected(p);
    const chunk = patternBytes(16 * 1024, 11);
    let accepted = 0;
    let writes = 0;
    const writer = (async () => {
      for (; writes < 256; writes++) {
        await client.write(chunk);
        accepted += chunk.length;
      }
    })();
    await pass(p.clock, 5_000);
    const bound = sendBufferSize + receiveBufferSize;
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThanOrEqual(bound);
    expect(server.info().receiveWindow).toBe(0);
    const before = accepted;
    await pass(p.clock, 60_000); // zero-window probes go on; nothing more is taken
    expect(accepted).toBe(before);

    const parts: Uint8Array[] = [];
    let got = 0;
    const total = 256 * chunk.length;
    while (got < total) {
      const r = await drive(p.clock, server.read());
      if (r.done) throw new Error("unexpected end");
      parts.push(r.value);
      got += r.value.length;
    }
    await drive(p.clock, writer);
    expect(got).toBe(total);
    expect(sha256(parts)).toBe(sha256(Array.from({ length: 256 }, () => chunk)));
  });
});

describe("capture", () => {
  it("records every packet to the writer, with the engine's trace as pcapng comments", async () => {
    const sink = new MemorySink();
    const writer = new PcapngWriter(sink);
    const p = stackPair({ delay: 5 }, {});
    const traced: string[] = [];
    const captured = new Stack({
      address: "10.0.0.3",
      link: p.links[0],
      clock: p.clock,
      capture: writer,
      onTrace: (t) => traced.push(t),
    });
    void p.client; // the pair's client stack gives up link 0 to the captured one
    const listener = p.server.listen(80);
    const accepted = listener.accept();
    const s = await drive(p.clock, captured.connect("10.0.0.2", 80));
    await drive(p.clock, s.write("captured"));
    const peer = await drive(p.clock, accepted);
    const r = await drive(p.clock, peer.read());
    expect(!r.done && r.value.length).toBe(8);
    await pass(p.clock, 100);
    expect(writer.packets).toBeGreaterThanOrEqual(4); // SYN, SYN-ACK, ACK, data (and its ACK)
    expect(traced.length).toBeGreaterThan(0);
    const file = Buffer.from(sink.bytes());
    expect(file.includes(Buffer.from(traced[0]))).toBe(true);
    expect(captured.capture?.captureErrors).toBe(0);
  });
});
