export { IpStack, type IpStackOptions } from "./ip-stack.js";
export type { StackCounters, DropReason } from "./counters.js";
export type { TcpConfig } from "../tcp/config.js";
