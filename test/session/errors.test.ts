import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  bool,
  ChannelReusedError,
  DecodeError,
  drained,
  dual,
  EncodeError,
  end,
  FrameTooLargeError,
  fromNodeDuplex,
  offer,
  PeerClosedError,
  ProtocolMismatchError,
  ProtocolViolationError,
  recv,
  select,
  send,
  session,
  SessionAbortedError,
  SessionError,
  TransportClosedError,
  u8,
  u32,
  utf8,
} from "../../src/session/index.js";
import { byteStreamPair } from "./pairs.js";
import { RawPeer, Tag } from "./raw-peer.js";

const Ping = send(u32, recv(u32, end));
const Pong = dual(Ping);
const Choice = offer({ yes: recv(utf8, end), no: end });
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A session of `protocol` on one end and a raw peer (already past a correct HELLO) on the other. */
async function withRawPeer<P extends Parameters<typeof dual>[0]>(protocol: P, options?: { maxFrameBytes?: number }) {
  const [a, b] = byteStreamPair();
  const peer = new RawPeer(b);
  const [ch] = await Promise.all([session(protocol, a, options), peer.hello(dual(protocol))]);
  const theirHello = await peer.reader.next();
  expect(theirHello?.tag).toBe(Tag.hello);
  return { ch, peer };
}

describe("protocol fingerprint", () => {
  it("fails both sides with ProtocolMismatchError when the peer runs another protocol", async () => {
    const [a, b] = byteStreamPair();
    const results = await Promise.allSettled([session(Ping, a), session(dual(send(utf8, recv(u32, end))), b)]);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ProtocolMismatchError);
      expect(String((r as PromiseRejectedResult).reason.message)).toMatch(/is not the dual of this side's/);
    }
  });

  it("fails both sides when both run the same side of the protocol", async () => {
    const [a, b] = byteStreamPair();
    const results = await Promise.allSettled([session(Ping, a), session(Ping, b)]);
    expect(results.map((r) => r.status === "rejected" && r.reason instanceof ProtocolMismatchError)).toEqual([
      true,
      true,
    ]);
  });

  it("accepts a dual whose rec names differ (alpha-equivalent protocols)", async () => {
    const { rec, v } = await import("../../src/session/index.js");
    const mine = rec("x", select({ go: send(u8, v("x")), stop: end }));
    const theirs = rec("other", offer({ go: recv(u8, v("other")), stop: end }));
    const [a, b] = byteStreamPair();
    const [c, s] = await Promise.all([session(mine, a), session(theirs, b)]);
    await Promise.all([c.select("stop").close(), s.offer({ go: async () => {}, stop: (e) => e.close() })]);
  });

  it("fails when the peer is not a session peer at all", async () => {
    const [a, b] = byteStreamPair();
    const pending = session(Ping, a);
    await b.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    await expect(pending).rejects.toThrow(ProtocolMismatchError);
    await expect(pending).rejects.toThrow(/first bytes are not a session hello/);
  });
});

describe("every incoming frame is checked against the current step", () => {
  it("ProtocolViolationError says what was expected and what came, and tells the peer", async () => {
    const { ch, peer } = await withRawPeer(Pong);
    await peer.choice("more");
    const err = await ch.recv().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolViolationError);
    expect((err as ProtocolViolationError).expected).toBe("a u32 message (frame tag 1)");
    expect((err as ProtocolViolationError).got).toBe('choice "more" (frame tag 2)');
    const frames = await peer.rest();
    expect(frames.map((f) => f.tag)).toEqual([Tag.abort]);
    expect(text(frames[0].payload)).toContain("expected a u32 message (frame tag 1)");
  });

  it("an unknown tag", async () => {
    const { ch, peer } = await withRawPeer(Pong);
    await peer.frame(9, [1, 2, 3]);
    await expect(ch.recv()).rejects.toThrow(
      "protocol violation: expected a u32 message (frame tag 1), got unknown frame tag 9",
    );
  });

  it("a label the offer does not have", async () => {
    const { ch, peer } = await withRawPeer(Choice);
    await peer.choice("maybe");
    await expect(ch.offer()).rejects.toThrow(
      'expected a choice of "yes" | "no" (frame tag 2), got choice "maybe" (frame tag 2)',
    );
  });

  it("a message where a choice is due", async () => {
    const { ch, peer } = await withRawPeer(Choice);
    await peer.message([0, 0, 0, 1]);
    await expect(ch.offer()).rejects.toThrow(ProtocolViolationError);
  });

  it("a frame after the peer's end of session", async () => {
    const { ch, peer } = await withRawPeer(end);
    await peer.frame(Tag.end);
    await peer.message([1]);
    await expect(ch.close()).rejects.toThrow(
      "expected nothing after the end of the session, got a message of 1 bytes (frame tag 1)",
    );
  });

  it("DecodeError for a truncated payload, trailing bytes, bad UTF-8, a bool of 2", async () => {
    const cases: [Parameters<typeof dual>[0], number[], RegExp][] = [
      [send(u32, end), [0, 0, 1], /truncated payload/],
      [send(u32, end), [0, 0, 0, 1, 9], /u32: 1 trailing bytes/],
      [send(utf8, end), [0, 0, 0, 2, 0xc3, 0x28], /invalid UTF-8/],
      [send(bool, end), [2], /byte 2 is neither 0 nor 1/],
    ];
    for (const [sender, payload, message] of cases) {
      const { ch, peer } = await withRawPeer(dual(sender));
      await peer.message(payload);
      const err = await (ch as unknown as { recv(): Promise<unknown> }).recv().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DecodeError);
      expect(String((err as Error).message)).toMatch(message);
      expect((await peer.rest()).map((f) => f.tag)).toEqual([Tag.abort]);
    }
  });

  it("FrameTooLargeError from the header alone, before the payload arrives", async () => {
    const { ch, peer } = await withRawPeer(Pong, { maxFrameBytes: 1024 });
    // Only the header: a reader that waited for the announced 1 GB would hang here.
    await peer.stream.write(new Uint8Array([0x40, 0, 0, 0, Tag.message]));
    const err = await ch.recv().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrameTooLargeError);
    expect(err).toMatchObject({ length: 0x40000000, limit: 1024 });
  });
});

describe("the peer going away", () => {
  it("PeerClosedError when the stream ends mid-protocol", async () => {
    const { ch, peer } = await withRawPeer(Pong);
    await peer.stream.end();
    await expect(ch.recv()).rejects.toThrow(PeerClosedError);
  });

  it("PeerClosedError when it ends inside a frame", async () => {
    const { ch, peer } = await withRawPeer(Pong);
    await peer.stream.write(new Uint8Array([0, 0, 0, 4, Tag.message, 1]));
    await peer.stream.end();
    await expect(ch.recv()).rejects.toThrow("transport ended inside a frame (1 of 4 payload bytes)");
  });

  it("PeerClosedError carrying the reason of the peer's ABORT frame", async () => {
    const { ch, peer } = await withRawPeer(Pong);
    await peer.frame(Tag.abort, new TextEncoder().encode("server shutting down"));
    await expect(ch.recv()).rejects.toThrow(
      "the peer aborted the session (server shutting down) while this side expected a u32 message (frame tag 1)",
    );
  });

  it("an ABORT reason that is not UTF-8 still gives PeerClosedError (bad bytes shown as U+FFFD)", async () => {
    const { ch, peer } = await withRawPeer(Pong);
    await peer.frame(Tag.abort, new Uint8Array([0x62, 0x79, 0xff, 0xfe]));
    const err = await ch.recv().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PeerClosedError);
    expect((err as Error).message).toContain("the peer aborted the session (by\ufffd\ufffd)");
  });

  it("the peer sees PeerClosedError with the reason when this side violates nothing but drops the session", async () => {
    const [a, b] = byteStreamPair();
    const [client, server] = await Promise.all([session(Ping, a), session(Pong, b)]);
    {
      using dropped = client;
      void dropped;
    }
    await expect(server.recv()).rejects.toThrow(
      "the peer aborted the session (the session was disposed before it reached End)",
    );
  });
});

describe("the byte streams' own errors", () => {
  it("a memory stream refuses a write after its end with TransportClosedError", async () => {
    const [a] = byteStreamPair();
    await a.end();
    const err = await a.write(new Uint8Array(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportClosedError);
    expect(err).not.toBeInstanceOf(SessionError);
    expect((err as TransportClosedError).code).toBe("WS_TRANSPORT_CLOSED");
  });

  it("a Node duplex closed before its end: read and write reject with TransportClosedError", async () => {
    const duplex = new PassThrough();
    const stream = fromNodeDuplex(duplex);
    duplex.destroy();
    await expect(stream.read()).rejects.toThrow(new TransportClosedError("stream closed before it ended"));
    await expect(stream.write(new Uint8Array(1))).rejects.toBeInstanceOf(TransportClosedError);
  });

  it("a session whose stream refuses a write fails with PeerClosedError, the stream's error as the cause", async () => {
    const [a, b] = byteStreamPair();
    const [client] = await Promise.all([session(Ping, a), session(Pong, b)]);
    a.abort();
    const err = await drained(client.send(7)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PeerClosedError);
    expect((err as Error).cause).toBeInstanceOf(TransportClosedError);
  });
});

describe("linearity and local misuse", () => {
  it("ChannelReusedError on a second use of a consumed endpoint, sync and async", async () => {
    const [a, b] = byteStreamPair();
    const [client, server] = await Promise.all([session(Ping, a), session(Pong, b)]);
    const waiting = client.send(1);
    expect(() => client.send(2)).toThrow(ChannelReusedError);
    const [x, reply] = await server.recv();
    expect(x).toBe(1);
    await expect(server.recv()).rejects.toThrow(ChannelReusedError);
    const fin = reply.send(2);
    const [y, done] = await waiting.recv();
    expect(y).toBe(2);
    await expect(waiting.recv()).rejects.toThrow(ChannelReusedError);
    await Promise.all([done.close(), fin.close()]);
    await expect(done.close()).rejects.toThrow(ChannelReusedError);
  });

  it("EncodeError for a value the codec cannot carry, leaving the endpoint usable", async () => {
    const [a, b] = byteStreamPair();
    const [client, server] = await Promise.all([session(send(u8, end), a), session(recv(u8, end), b)]);
    expect(() => client.send(300)).toThrow(EncodeError);
    const fin = client.send(255);
    const [x, sfin] = await server.recv();
    expect(x).toBe(255);
    await Promise.all([fin.close(), sfin.close()]);
  });

  it("an error ends the session: later calls on live endpoints get the same error", async () => {
    const { ch, peer } = await withRawPeer(send(u32, recv(u32, end)));
    await peer.frame(9);
    const next = ch.send(1); // queued before the bad frame is read
    const err = await next.recv().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolViolationError);
    await expect(next.recv()).rejects.toThrow(ChannelReusedError);
  });
});

describe("deadlines, end and disposal", () => {
  it("a step's AbortSignal gives SessionAbortedError and aborts the session for the peer", async () => {
    const { ch, peer } = await withRawPeer(Pong);
    const started = Date.now();
    const err = await ch.recv({ signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionAbortedError);
    expect((err as Error).cause).toBeInstanceOf(DOMException);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    const frames = await peer.rest();
    expect(frames.map((f) => f.tag)).toEqual([Tag.abort]);
    expect(text(frames[0].payload)).toBe(
      "gave up waiting for a u32 message (frame tag 1): the step's signal was aborted",
    );
  });

  it("a session peer of an aborted session gets PeerClosedError", async () => {
    const [a, b] = byteStreamPair();
    const [client, server] = await Promise.all([session(Ping, a), session(Pong, b)]);
    await expect(server.recv({ signal: AbortSignal.timeout(10) })).rejects.toThrow(SessionAbortedError);
    await expect(client.send(1).recv()).rejects.toThrow(PeerClosedError);
  });

  it("reaching End sends END then ends the transport, and close() waits for the peer's end", async () => {
    const { ch, peer } = await withRawPeer(send(u8, end));
    ch.send(7);
    const frames = await peer.rest(); // returns at end of stream: END was followed by the transport's end
    expect(frames.map((f) => [f.tag, [...f.payload]])).toEqual([
      [Tag.message, [7]],
      [Tag.end, []],
    ]);
  });

  it("close() resolves once the peer has sent END and ended", async () => {
    const { ch, peer } = await withRawPeer(end);
    let closed = false;
    const closing = ch.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(false);
    await peer.frame(Tag.end);
    await peer.stream.end();
    await closing;
    expect(closed).toBe(true);
  });

  it("async disposal at End waits for the graceful close; before End it aborts", async () => {
    const [a, b] = byteStreamPair();
    const [client, server] = await Promise.all([session(Ping, a), session(Pong, b)]);
    const waiting = client.send(5);
    const [x, reply] = await server.recv();
    {
      await using serverEnd = reply.send(x + 1);
      const [y, clientEnd] = await waiting.recv();
      expect(y).toBe(6);
      await clientEnd.close();
      void serverEnd;
    }
    const [c, d] = byteStreamPair();
    const [client2, server2] = await Promise.all([session(Ping, c), session(Pong, d)]);
    {
      await using early = client2;
      void early;
    }
    await expect(server2.recv()).rejects.toThrow(PeerClosedError);
  });
});
