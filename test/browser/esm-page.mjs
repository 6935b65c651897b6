// Served as-is to the page by esm.test.ts: imports the compiled package by plain relative URLs, the way a
// page without a bundler would, and puts what happened on `window.esmResult`.
import { memoryLinkPair, MemorySink, PcapngWriter, Stack } from "./dist/api/index.js";
import { dual, end, recv, send, session, u32 } from "./dist/session/index.js";
import { parsePacket } from "./dist/wire/index.js";
import { PcapWriter } from "./dist/pcap/index.js";
import { messagePortLink } from "./dist/link/index.js";

async function run() {
  const [a, b] = memoryLinkPair();
  const sink = new MemorySink();
  const client = new Stack({ address: "10.0.0.1", link: a, capture: new PcapngWriter(sink) });
  const server = new Stack({ address: "10.0.0.2", link: b });
  const listener = server.listen(7);
  const Add = send(u32, send(u32, recv(u32, end)));
  const [c, s] = await Promise.all([client.connect("10.0.0.2", 7), listener.accept()]);
  const serve = (async () => {
    const [x, ch1] = await (await session(dual(Add), s)).recv();
    const [y, ch2] = await ch1.recv();
    await ch2.send(x + y).close();
  })();
  const [sum, last] = await (await session(Add, c)).send(40).send(2).recv();
  await last.close();
  await serve;
  client.close();
  server.close();
  const captured = sink.bytes();
  // The first packet recorded is the SYN: walk the pcapng blocks (little-endian type and total length) to
  // the first Enhanced Packet Block, whose packet data starts 28 bytes in, captured length at 20.
  const view = new DataView(captured.buffer, captured.byteOffset, captured.byteLength);
  let at = 0;
  while (at + 8 <= captured.length && view.getUint32(at, true) !== 6) at += view.getUint32(at + 4, true);
  const syn = parsePacket(captured.subarray(at + 28, at + 28 + view.getUint32(at + 20, true)));
  return {
    sum,
    entries: [typeof PcapWriter, typeof messagePortLink],
    captureBytes: captured.length,
    magic: Array.from(captured.subarray(0, 4)),
    synFlags: syn.ok ? syn.tcp.flags : -1,
  };
}

run().then(
  (result) => (window.esmResult = result),
  (error) => (window.esmResult = { error: String(error) }),
);
