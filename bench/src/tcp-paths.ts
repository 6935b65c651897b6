/**
 * The tcp suite's transfers (tcp-suite.ts): the engine's three, and the kernel's through Node `net`, each
 * run in a process of its own (path-child.ts).
 */
import { bulk } from "./engine-bulk.js";
import { nodeNet } from "./node-net.js";

export const TCP_PATHS = {
  bulk_1500: (total: number) => bulk(total, 1500),
  bulk_1500_no_copy: (total: number) => bulk(total, 1500, "into", "no-copy"),
  bulk_65535: (total: number) => bulk(total, 65535),
  node_net: (total: number) => nodeNet(total),
};
