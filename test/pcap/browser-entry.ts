// Bundled by browser.test.ts and run in headless Chromium: the example-capture scenarios (two stacks,
// the capture tap, the pcap/pcapng writers, the memory sink) produce their files in the browser, and
// each is read back through the Blob a page would offer as a download.
import * as pcap from "../../src/pcap/index.js";
import { generateCaptures } from "../../scripts/capture-scenarios.mjs";
import { sourceLibrary } from "./source-library.js";

export async function run(): Promise<Array<{ name: string; base64: string; blobType: string }>> {
  const captures = await generateCaptures(sourceLibrary);
  const out = [];
  for (const capture of captures) {
    const sink = new pcap.MemorySink();
    sink.write(capture.bytes);
    const type = capture.name.endsWith(".pcapng") ? "application/x-pcapng" : "application/vnd.tcpdump.pcap";
    const blob = sink.blob(type);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    out.push({ name: capture.name, base64: btoa(binary), blobType: blob.type });
  }
  return out;
}
