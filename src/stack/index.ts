export { IpStack, type IpStackOptions } from "./ip-stack.js";
export { StackClosedError } from "./errors.js";
export type { StackCounters, DropReason, MemoryCounters } from "./counters.js";
export type { TcpConfig } from "../tcp/config.js";
