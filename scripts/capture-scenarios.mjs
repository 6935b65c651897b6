// The example-capture scenarios behind captures/. No Node built-ins here: scripts/captures.mjs runs them
// against dist/ and writes the files, test/pcap/captures.test.ts runs them against src/ and compares, and
// test/pcap/browser.test.ts runs them in Chromium. The library comes in as an argument, so all three run
// the very same code. Everything runs on a VirtualClock with fixed seeds and keys: same code, same bytes.

const START = Date.UTC(2026, 0, 1); // capture timestamps begin 2026-01-01T00:00:00Z

/** @param {import("./capture-scenarios.d.mts").CaptureLibrary} lib */
export async function generateCaptures(lib) {
  return [
    await stackTransfer(lib, {
      name: "stack-transfer.pcapng",
      description:
        "Two wirestate IpStacks over an in-memory link (5 ms each way), tapped at the client: handshake, 64 KiB upload, the server's reply, close. Comments are the client engine's own trace (state changes, timers).",
      impairment: {},
    }),
    await stackTransfer(lib, {
      name: "stack-transfer-loss.pcapng",
      description:
        "The same transfer with 5% loss each way (seed 7): fast retransmit and recovery commented with the client engine's reason, a lost final ACK and the server's retransmitted FIN. The tap is before the loss, so Wireshark sees retransmissions (notes) but no lost segment.",
      impairment: { loss: 0.05, seed: 7 },
    }),
    ...(await scriptedExchange(lib, "pcapng")),
    ...(await scriptedExchange(lib, "pcap")),
  ];
}

/** Fixed RFC 6528 keys so ISNs and ports repeat run to run (only examples and tests may do this). */
const CLIENT_KEY = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const SERVER_KEY = Uint8Array.from({ length: 16 }, (_, i) => 0xf0 - i);

/**
 * A real connection between two stacks. The client sends `UPLOAD` bytes and half-closes; the server reads
 * to the end, answers with a summary line and closes. The tap sits on the client's link, and the client
 * stack's typed events feed it comments.
 */
async function stackTransfer(lib, { name, description, impairment }) {
  const UPLOAD = 64 * 1024;
  const clock = new lib.VirtualClock(START);
  const [clientEnd, serverEnd] = lib.memoryLinkPair({ clock, delay: 5, ...impairment });
  const sink = new lib.pcap.MemorySink();
  const writer = new lib.pcap.PcapngWriter(sink, { interfaceName: "client" });
  const tap = new lib.CaptureLink(clientEnd, writer, clock);
  const client = new lib.IpStack({
    address: "10.0.0.1",
    link: tap,
    clock,
    isnKey: CLIENT_KEY,
    // The comments are the typed events' text, as `Stack` writes them with its `capture` option.
    events: { listening: true, emit: (e) => lib.isTraced(e) && tap.annotate(lib.eventText(e)) },
  });
  const server = new lib.IpStack({ address: "10.0.0.2", link: serverEnd, clock, isnKey: SERVER_KEY });

  let received = 0;
  const listener = server.listen(80);
  listener.onConnection = () => {
    const conn = listener.accept();
    conn.events.onReadable = () => {
      for (let chunk = conn.read(); chunk !== null; chunk = conn.read()) received += chunk.length;
      if (conn.readEnded && conn.state === "CLOSE-WAIT") {
        conn.write(new TextEncoder().encode(`received ${received} bytes\n`));
        conn.shutdown();
      }
    };
  };

  const upload = Uint8Array.from({ length: UPLOAD }, (_, i) => (i * 31) & 0xff);
  let sent = 0;
  let reply = "";
  const conn = client.connect("10.0.0.2", 80);
  const pump = () => {
    while (sent < UPLOAD) {
      const n = conn.write(upload.subarray(sent));
      if (n === 0) return;
      sent += n;
    }
    if (conn.state === "ESTABLISHED") conn.shutdown();
  };
  conn.events.onStateChange = (_from, to) => {
    if (to === "ESTABLISHED") pump();
  };
  conn.events.onWritable = pump;
  conn.events.onReadable = () => {
    for (let chunk = conn.read(); chunk !== null; chunk = conn.read()) reply += new TextDecoder().decode(chunk);
  };
  clock.runUntilIdle(10 * 60 * 1000);
  await writer.close();
  if (received !== UPLOAD || reply !== `received ${UPLOAD} bytes\n` || conn.state !== "CLOSED") {
    throw new Error(
      `${name}: the transfer did not complete (server got ${received} bytes, client state ${conn.state}, reply ${JSON.stringify(reply)})`,
    );
  }
  return { name, description, bytes: sink.bytes() };
}

/**
 * Packets built by the wire core and sent over an in-memory link with 5 ms of delay, tapped on the client
 * side: a handshake with options, a request, a response, a close.
 */
async function scriptedExchange(lib, format) {
  const { wire, pcap } = lib;
  const { SYN, ACK, PSH, FIN } = wire.TcpFlags;
  const clock = new lib.VirtualClock(START);
  const [clientEnd, serverEnd] = lib.memoryLinkPair({ clock, delay: 5 });
  const sink = new pcap.MemorySink();
  const writer =
    format === "pcapng"
      ? new pcap.PcapngWriter(sink, { interfaceName: "client" })
      : new pcap.PcapWriter(sink, { resolution: "ns" });
  const client = new lib.CaptureLink(clientEnd, writer, clock);
  client.onReceive = () => {};
  serverEnd.onReceive = () => {};
  const c = { src: wire.parseIpv4("10.0.0.1"), dst: wire.parseIpv4("10.0.0.2"), srcPort: 49152, dstPort: 7 };
  const s = { src: c.dst, dst: c.src, srcPort: c.dstPort, dstPort: c.srcPort };
  const request = new TextEncoder().encode("GET /hello\r\n");
  const response = new TextEncoder().encode("hello, world\r\n".repeat(20));
  const options = { mss: 1460, sackPermitted: true, windowScale: 7 };
  let cs = 0x1000;
  let ss = 0x8000;
  client.annotate("scripted client: active open, CLOSED -> SYN-SENT");
  client.send(wire.buildPacket({ ...c, seq: cs, flags: SYN, window: 65535, options }));
  clock.advance(5);
  serverEnd.send(wire.buildPacket({ ...s, seq: ss, ack: cs + 1, flags: SYN | ACK, window: 65535, options }));
  clock.advance(5);
  client.annotate("SYN-SENT -> ESTABLISHED");
  client.send(wire.buildPacket({ ...c, seq: ++cs, ack: ++ss, flags: ACK, window: 512 }));
  client.send(wire.buildPacket({ ...c, seq: cs, ack: ss, flags: PSH | ACK, window: 512, payload: request }));
  cs += request.length;
  clock.advance(5);
  serverEnd.send(wire.buildPacket({ ...s, seq: ss, ack: cs, flags: PSH | ACK, window: 512, payload: response }));
  ss += response.length;
  clock.advance(10);
  client.annotate("all data received; close(): ESTABLISHED -> FIN-WAIT-1");
  client.send(wire.buildPacket({ ...c, seq: cs, ack: ss, flags: FIN | ACK, window: 512 }));
  clock.advance(5);
  serverEnd.send(wire.buildPacket({ ...s, seq: ss, ack: cs + 1, flags: FIN | ACK, window: 512 }));
  clock.advance(5);
  client.annotate("FIN-WAIT-1 -> TIME-WAIT (the peer's FIN acknowledged ours)");
  client.send(wire.buildPacket({ ...c, seq: cs + 1, ack: ss + 1, flags: ACK, window: 512 }));
  clock.runUntilIdle();
  await writer.close();
  return [
    {
      name: format === "pcapng" ? "scripted-exchange.pcapng" : "scripted-exchange.pcap",
      description:
        format === "pcapng"
          ? "Wire-core packets over an in-memory link (5 ms each way), tapped at the client: direction flags and a comment on each segment the client sent after a change."
          : "The same exchange in classic pcap with nanosecond timestamps (no comments, no direction: the format has neither).",
      bytes: sink.bytes(),
    },
  ];
}

function readme(captures) {
  const rows = captures.map((c) => `| ${c.name} | ${c.bytes.length} | ${c.description} |`);
  return [
    "# Example captures",
    "",
    "Generated by `npm run captures` (scripts/captures.mjs) on a virtual clock with fixed seeds: running it again",
    "gives the same bytes, and test/pcap/captures.test.ts checks that. Open them in Wireshark; packet comments",
    "(pcapng) say why each segment was sent.",
    "",
    "| file | bytes | what |",
    "|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

/** The files `captures/` should hold: each capture, plus a README describing them. */
export function captureFiles(captures) {
  return [
    ...captures.map((c) => ({ name: c.name, bytes: c.bytes })),
    { name: "README.md", bytes: new TextEncoder().encode(readme(captures)) },
  ];
}
