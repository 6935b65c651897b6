import type { Netns } from "./netns.js";

/**
 * The argv of Debian's dnsmasq as a DNS server for the namespace's kernel address, serving `records`
 * (`--host-record=...`, `--address=/name/ip`, ...) and nothing else: names under .test it does not hold
 * are NXDOMAIN, answered locally and never forwarded. Every query is logged to its stdout.
 */
export function dnsmasqArgv(ns: Netns, records: readonly string[]): string[] {
  return [
    "dnsmasq",
    // Debug mode: no fork per TCP connection, so killing this one process ends the server (a forked
    // child would outlive it, holding the output pipes open).
    "--no-daemon",
    "--no-resolv",
    "--no-hosts",
    "--no-poll",
    "--pid-file=",
    "--log-facility=-",
    "--log-queries",
    "--bind-interfaces",
    `--listen-address=${ns.kernelAddress}`,
    "--port=53",
    "--local=/test/",
    ...records,
  ];
}
