import type { LossRecovery, RecoverySender } from "./loss-recovery.js";
import { NewRenoRecovery } from "./newreno-recovery.js";
import { SackRecovery } from "./sack-recovery.js";

/** The loss recoveries a connection can run: RFC 6675 when SACK was agreed, else RFC 6582 NewReno. */
export function lossRecovery(sack: boolean, sender: RecoverySender, iss: number): LossRecovery {
  return sack ? new SackRecovery(sender, iss) : new NewRenoRecovery(sender, iss);
}
