/**
 * `node node-net-child.js BYTES`: one Node `net` transfer of BYTES over 127.0.0.1 in this process, its
 * Timed record (payload bits, wall and CPU seconds) on stdout as JSON. The tcp suite runs it as it runs
 * native lwIP, in a process of its own (tcp-suite.ts says why).
 */
import { nodeNet } from "./node-net.js";

const total = Number(process.argv[2]);
if (!Number.isInteger(total) || total <= 0)
  throw new RangeError(`node-net-child: bytes must be a positive integer, got ${process.argv[2]}`);
process.stdout.write(JSON.stringify(await nodeNet(total)));
