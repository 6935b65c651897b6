// The page of test/browser/dhcp.test.ts: a virtual switch on the main thread, joined by a MessagePort to
// each of two Web Workers, a DHCP server stack and a DHCP client stack. What the workers report is
// published as `window.dhcpResult` for the test to read.
import { messagePortLink, virtualSwitch } from "../../../src/api/index.js";

const sw = virtualSwitch();
const result: Record<string, unknown> = {};
(window as unknown as { dhcpResult: Record<string, unknown> }).dhcpResult = result;
for (const role of ["server", "client"]) {
  const channel = new MessageChannel();
  sw.attach(messagePortLink(channel.port1, { framing: "ethernet", mtu: 1514 }));
  const worker = new Worker("worker.js", { type: "module" });
  worker.onmessage = (e: MessageEvent) => {
    result[role] = e.data;
  };
  worker.onerror = (e) => {
    result[role] = { error: e.message };
  };
  worker.postMessage({ role, port: channel.port2 }, [channel.port2]);
}
