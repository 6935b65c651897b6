import type { CongestionControl } from "./congestion.js";
import { Cubic } from "./cubic.js";
import { NewReno } from "./newreno.js";

/** The congestion-control algorithms a connection can run, by the name `TcpConfig.congestionControl` takes. */
export const congestionAlgorithms = {
  newreno: (mss: number, iss: number): CongestionControl => new NewReno(mss, iss),
  cubic: (mss: number, iss: number): CongestionControl => new Cubic(mss, iss),
} as const;

export type CongestionAlgorithm = keyof typeof congestionAlgorithms;
