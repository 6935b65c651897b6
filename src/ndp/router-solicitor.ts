import type { Clock, Timer } from "../clock/clock.js";
import type { NdpConfig } from "./config.js";

/**
 * RFC 4861 §6.3.7: at start a host waits a random time up to MAX_RTR_SOLICITATION_DELAY, then sends up
 * to MAX_RTR_SOLICITATIONS router solicitations RTR_SOLICITATION_INTERVAL apart, and stops once a
 * router advertises itself as a default router.
 */
export class RouterSolicitor {
  readonly #clock: Clock;
  readonly #config: Pick<NdpConfig, "maxRtrSolicitationDelay" | "rtrSolicitationInterval" | "maxRtrSolicitations">;
  readonly #random: () => number;
  readonly #send: () => void;
  #timer: Timer | null = null;

  constructor(
    clock: Clock,
    config: Pick<NdpConfig, "maxRtrSolicitationDelay" | "rtrSolicitationInterval" | "maxRtrSolicitations">,
    random: () => number,
    send: () => void,
  ) {
    this.#clock = clock;
    this.#config = config;
    this.#random = random;
    this.#send = send;
  }

  /** Whether solicitations are still to be sent. */
  get active(): boolean {
    return this.#timer !== null;
  }

  start(): void {
    this.stop();
    if (this.#config.maxRtrSolicitations === 0) return;
    this.#next(this.#random() * this.#config.maxRtrSolicitationDelay, 0);
  }

  /** An advertisement with a non-zero router lifetime came: "the host MUST desist" (§6.3.7). */
  stop(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  #next(delay: number, sent: number): void {
    this.#timer = this.#clock.schedule(delay, () => {
      this.#send();
      if (sent + 1 < this.#config.maxRtrSolicitations) this.#next(this.#config.rtrSolicitationInterval, sent + 1);
      else this.#timer = null;
    });
  }
}
