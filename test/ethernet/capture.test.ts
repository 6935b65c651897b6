import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { Stack, VirtualClock, ethernetLink, virtualSwitch } from "../../src/api/index.js";
import { CaptureLink } from "../../src/link/index.js";
import { MemorySink, PcapWriter, PcapngWriter } from "../../src/pcap/index.js";
import { drive, patternBytes } from "../api/helpers.js";
import { describeWith } from "../helpers/tools.js";
import { assertCleanCapture, capinfos, tsharkFields } from "../helpers/tshark.js";

const dir = mkdtempSync(join(tmpdir(), "wirestate-eth-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MACS = [0x020000000001, 0x020000000002, 0x020000000003];

/**
 * Three stacks on a switch; a talks TCP to b. Tapped: a's link and the bystander c's in one pcapng (an
 * interface each: a file holding both ends of one flow shows every segment twice, which Wireshark rightly
 * calls out of order), and a's link alone in classic pcap.
 */
async function capturedTransfer() {
  const clock = new VirtualClock(1_763_700_000_000);
  const sw = virtualSwitch({ clock });
  const ng = new MemorySink();
  const classic = new MemorySink();
  const pcapng = new PcapngWriter(ng, { interfaceName: "eth-a", linkType: "ethernet", mac: MACS[0] });
  const bystander = pcapng.addInterface("eth-c", { linkType: "ethernet", mac: MACS[2] });
  const pcap = new PcapWriter(classic, { linkType: "ethernet" });
  const isnKey = new Uint8Array(16).fill(1);
  const stacks = [0, 1, 2].map((i) => {
    const port = sw.port();
    const link =
      i === 0
        ? new CaptureLink(new CaptureLink(port, pcapng, clock), pcap, clock)
        : i === 2
          ? new CaptureLink(port, pcapng, clock, { interfaceId: bystander })
          : port;
    const address = `10.0.0.${i + 1}`;
    return new Stack({
      address,
      link: ethernetLink({ link, address: `${address}/24`, mac: MACS[i], clock }),
      clock,
      isnKey,
    });
  });
  const listener = stacks[1].listen(80);
  const accepted = listener.accept();
  const client = await drive(clock, stacks[0].connect("10.0.0.2", 80));
  const server = await drive(clock, accepted);
  await drive(clock, client.write(patternBytes(20_000)));
  let got = 0;
  while (got < 20_000) {
    const r = await drive(clock, server.read());
    if (r.done) break;
    got += r.value.length;
  }
  await drive(clock, client[Symbol.asyncDispose]());
  await pcapng.close();
  await pcap.close();
  return { ng: ng.bytes(), classic: classic.bytes() };
}

/** The if_MACaddr option of every interface description block in a little-endian pcapng file. */
function idbMacs(file: Uint8Array): string[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const macs: string[] = [];
  for (let at = 0; at + 12 <= file.length; at += view.getUint32(at + 4, true)) {
    if (view.getUint32(at, true) !== 1) continue;
    const end = at + view.getUint32(at + 4, true) - 4;
    for (let o = at + 16; o + 4 <= end; ) {
      const code = view.getUint16(o, true);
      const length = view.getUint16(o + 2, true);
      if (code === 0) break;
      if (code === 6)
        macs.push([...file.subarray(o + 4, o + 10)].map((b) => b.toString(16).padStart(2, "0")).join(":"));
      o += 4 + ((length + 3) & ~3);
    }
  }
  return macs;
}

describeWith(["tshark", "capinfos"], "captures of Ethernet interfaces, judged by Wireshark", () => {
  it("pcapng: LINKTYPE_ETHERNET, one interface each with its name and MAC; ARP and TCP clean", async () => {
    const { ng } = await capturedTransfer();
    assertCleanCapture(ng);
    const rows = tsharkFields(ng, ["frame.interface_name", "eth.src", "arp.opcode", "tcp.len"]);
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(["eth-a", "eth-c"]));
    const seen = new Set(rows.map((r) => `${r[0]} ${r[1]} ${r[2] === "" ? "tcp" : `arp ${r[2]}`}`));
    // a's request and b's reply on a's link, with the TCP; the bystander hears the broadcast request only.
    for (const line of [
      "eth-a 02:00:00:00:00:01 arp 1",
      "eth-a 02:00:00:00:00:02 arp 2",
      "eth-a 02:00:00:00:00:01 tcp",
    ])
      expect(seen).toContain(line);
    expect([...seen].filter((l) => l.startsWith("eth-c") && l.endsWith("tcp"))).toEqual([]);
    // The interface description blocks: link type, name and if_MACaddr, as Wireshark reads them.
    const path = join(dir, "two.pcapng");
    writeFileSync(path, ng);
    const described = execFileSync("capinfos", ["-I", path], { encoding: "utf8" });
    expect(described).toContain("Number of interfaces in file: 2");
    expect(described.match(/Encapsulation = Ethernet/g)).toHaveLength(2);
    expect(described).toContain("Name = eth-a");
    expect(described).toContain("Name = eth-c");
    // capinfos does not print if_MACaddr (option 6), so read it from the blocks: one per interface.
    expect(idbMacs(ng)).toEqual(["02:00:00:00:00:01", "02:00:00:00:00:03"]);
  });

  it("pcap: LINKTYPE_ETHERNET, the frames as they left and arrived", async () => {
    const { classic } = await capturedTransfer();
    assertCleanCapture(classic);
    expect(capinfos(classic)["File encapsulation"]).toBe("ether");
    const types = tsharkFields(classic, ["eth.type"]).map((r) => r[0]);
    expect(new Set(types)).toEqual(new Set(["0x0806", "0x0800"]));
  });
});
