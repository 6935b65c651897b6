import type { LossRecovery, RecoverySender } from "./loss-recovery.js";
import { NewRenoRecovery } from "./newreno-recovery.js";
import { RackRecovery } from "./rack-recovery.js";
import { SackRecovery } from "./sack-recovery.js";

/** The SACK-based loss recoveries, by the name `TcpConfig.lossRecovery` takes. */
export const sackRecoveries = {
  rack: (sender: RecoverySender, iss: number): LossRecovery => new RackRecovery(sender, iss),
  rfc6675: (sender: RecoverySender, iss: number): LossRecovery => new SackRecovery(sender, iss),
} as const;

export type SackRecoveryName = keyof typeof sackRecoveries;

/** The recovery a connection runs: the configured SACK-based one when SACK was agreed, else RFC 6582 NewReno. */
export function lossRecovery(name: SackRecoveryName, sack: boolean, sender: RecoverySender, iss: number): LossRecovery {
  return sack ? sackRecoveries[name](sender, iss) : new NewRenoRecovery(sender, iss);
}
