import { describe, expect, it } from "vitest";
import { runCode } from "../../src/packetdrill/code.js";
import { PacketdrillCodeError } from "../../src/packetdrill/errors.js";
import { applyCommand, newEffects } from "../../src/packetdrill/sysctl.js";

const info: Record<string, number> = { tcpi_rto: 300000, tcpi_snd_cwnd: 10, tcpi_snd_mss: 1000 };
const lookup = (name: string) => info[name];

describe("%{ }% evaluator", () => {
  it("passes holding asserts: arithmetic, chained comparisons, and/or/not, assignments, print", () => {
    expect(
      runCode(
        `
TCP_INFINITE_SSTHRESH = 0x7fffffff  # a constant the block defines
assert tcpi_rto == 300000, tcpi_rto
assert 200000 <= tcpi_rto < 400000
assert tcpi_snd_cwnd * tcpi_snd_mss == 10000 and not tcpi_snd_cwnd == 9
assert tcpi_snd_cwnd // 3 == 3 and tcpi_snd_cwnd % 3 == 1 and -tcpi_snd_cwnd + 10 == 0
assert TCP_INFINITE_SSTHRESH > tcpi_snd_cwnd or False
print("cwnd=%d" % tcpi_snd_cwnd)
`,
        lookup,
      ),
    ).toBeNull();
  });

  it("names the failing assert and the tcp_info values in it", () => {
    expect(runCode("assert tcpi_rto == 1000000, 'rto=%d' % tcpi_rto", lookup)).toBe(
      "assert failed: tcpi_rto == 1000000 (tcpi_rto=300000)",
    );
    expect(runCode("assert (tcpi_snd_cwnd + 1) * 2 < 20", lookup)).toBe(
      "assert failed: (tcpi_snd_cwnd + 1) * 2 < 20 (tcpi_snd_cwnd=10)",
    );
  });

  it("refuses what it cannot evaluate with a typed error, never eval", () => {
    for (const code of ["import os", "assert tcpi_ca_state == 0", "assert (1 + ", "assert 1 / 0", "x = __import__"]) {
      expect(() => runCode(code, lookup), code).toThrow(PacketdrillCodeError);
    }
  });
});

describe("sysctl map", () => {
  it("maps settings with an equivalent, lists the rest, and skips other commands", () => {
    const e = newEffects();
    applyCommand(
      `sysctl -q net.ipv4.tcp_timestamps=0 net.ipv4.tcp_sack=0
sysctl -q net.ipv4.tcp_rmem="4096 540000 $((15*1024*1024))"
sysctl -w net.ipv4.tcp_congestion_control=reno
echo 1 > /proc/sys/net/ipv4/tcp_window_scaling
../common/set_sysctls.py /proc/sys/net/ipv4/tcp_syn_retries=3 net.ipv4.tcp_frto=2
tc qdisc add dev tun0 root pfifo`,
      e,
      () => null,
    );
    expect(e.config).toEqual({
      timestamps: false,
      sack: false,
      receiveBufferSize: 15 * 1024 * 1024,
      congestionControl: "newreno",
      windowScale: true,
      synRetries: 3,
    });
    expect(e.notApplicable).toEqual(["net.ipv4.tcp_frto=2"]);
    expect(e.skipped).toEqual(["tc qdisc add dev tun0 root pfifo"]);
  });

  it("reads helper scripts through the reader, line continuations joined", () => {
    const e = newEffects();
    applyCommand("../common/defaults.sh", e, (p) =>
      p === "../common/defaults.sh" ? "sysctl -q \\\n net.ipv4.tcp_dsack=0\n" : null,
    );
    expect(e.config).toEqual({ dsack: false });
    const missing = newEffects();
    applyCommand("./absent.sh", missing, () => null);
    expect(missing.skipped).toEqual(["./absent.sh"]);
  });
});
