/** The tcp suite's engine transfers (tcp-suite.ts), each run in a process of its own (path-child.ts). */
import { bulk } from "./engine-bulk.js";

export const TCP_PATHS = {
  bulk_1500: (total: number) => bulk(total, 1500),
  bulk_1500_no_copy: (total: number) => bulk(total, 1500, "into", "no-copy"),
  bulk_65535: (total: number) => bulk(total, 65535),
};
