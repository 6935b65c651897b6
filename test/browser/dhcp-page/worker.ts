// One stack per worker: "server" at 10.0.0.1 serving DHCP and a 1 MiB file on TCP port 80, "client" with
// `address: "dhcp"`, which downloads the file from its lease's router once it has an address.
import { Stack, dhcpServer, ethernetLink, messagePortLink } from "../../../src/api/index.js";
import { payload } from "./payload.js";

const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };

scope.onmessage = (e: MessageEvent) => {
  const { role, port } = e.data as { role: "server" | "client"; port: MessagePort };
  const link = messagePortLink(port, { framing: "ethernet", mtu: 1514 });
  (role === "server" ? serve(link) : fetchOverDhcp(link)).catch((err: Error) =>
    scope.postMessage({ error: `${err.name}: ${err.message}` }),
  );
};

async function serve(frames: ReturnType<typeof messagePortLink>): Promise<void> {
  const stack = new Stack({ address: "10.0.0.1", link: ethernetLink({ link: frames, address: "10.0.0.1/24" }) });
  const dhcp = dhcpServer(stack, { pool: "10.0.0.100-10.0.0.120", router: "10.0.0.1", leaseTime: 600 });
  scope.postMessage({ listening: true });
  for await (const conn of stack.listen(80)) {
    await conn.write(payload());
    await conn.close();
    scope.postMessage({ served: true, leases: dhcp.leases().map((l) => l.address), counters: dhcp.counters });
  }
}

async function fetchOverDhcp(frames: ReturnType<typeof messagePortLink>): Promise<void> {
  const stack = new Stack({ address: "dhcp", link: ethernetLink({ link: frames }), dhcp: { timeout: 20_000 } });
  const address = await stack.ready;
  const lease = stack.dhcp?.lease;
  const conn = await stack.connect(lease?.router ?? "", 80);
  const parts: Uint8Array[] = [];
  let bytes = 0;
  for (let r = await conn.read(); !r.done; r = await conn.read()) {
    parts.push(r.value);
    bytes += r.value.length;
  }
  const all = new Uint8Array(bytes);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  scope.postMessage({
    address,
    router: lease?.router,
    prefix: lease?.prefix,
    bytes,
    sha256: [...digest].map((b) => b.toString(16).padStart(2, "0")).join(""),
  });
}
