export type { Clock, Timer } from "./clock.js";
export { VirtualClock } from "./virtual-clock.js";
export { RealClock } from "./real-clock.js";
