import type { Clock } from "../clock/clock.js";
import type { Ipv6Address } from "../wire/ipv6-address.js";
import { isIpv6LinkLocal } from "../wire/ipv6-multicast.js";
import type { PrefixInformation } from "../wire/ndp-message.js";
import { ipv6HexKey } from "./hex-key.js";
import type { AddressList, AddressRecord } from "./address-list.js";
import { lifetimeMs } from "./lifetime-timer.js";

/** RFC 4862 §5.5.3 e: a valid lifetime is not cut below two hours by an advertisement (against spoofed RAs). */
const TWO_HOURS = 2 * 3600 * 1000;

/** What one Prefix Information option did. */
export type SlaacOutcome = "formed" | "updated" | "ignored" | "not-autonomous";

/** The lifetimes SLAAC gives an address: the advertised ones, for random ids capped by RFC 8981 §3.8. */
export interface SlaacLimits {
  temporary: boolean;
  tempValidLifetime: number;
  tempPreferredLifetime: number;
  /** Prefixes whose advertised lifetimes are remembered for RFC 8981 regeneration. */
  maxPrefixes: number;
}

/**
 * Stateless address autoconfiguration from router advertisements' prefixes (RFC 4862 §5.5.3): forms an
 * address for a new autonomous /64, and refreshes the lifetimes of the addresses formed from a known one
 * with the two-hour rule. With random identifiers (RFC 8981) each address lives at most
 * TEMP_VALID_LIFETIME, is preferred at most TEMP_PREFERRED_LIFETIME, and a new one is formed when it is
 * deprecated while the prefix is still preferred (§3.5, without its REGEN_ADVANCE head start).
 */
export class Slaac {
  readonly #clock: Clock;
  readonly #addresses: AddressList;
  readonly #limits: SlaacLimits;
  readonly #form: (prefix: Ipv6Address, validUntil: number, preferredUntil: number) => void;
  /** Prefix key -> the prefix and its advertised deadlines, for RFC 8981 regeneration. */
  readonly #advertised = new Map<string, { prefix: Ipv6Address; validUntil: number; preferredUntil: number }>();

  constructor(
    clock: Clock,
    addresses: AddressList,
    limits: SlaacLimits,
    form: (prefix: Ipv6Address, validUntil: number, preferredUntil: number) => void,
  ) {
    this.#clock = clock;
    this.#addresses = addresses;
    this.#limits = limits;
    this.#form = form;
  }

  /** One Prefix Information option of a valid router advertisement. */
  prefix(pi: PrefixInformation): SlaacOutcome {
    // a) not for autoconfiguration; b) the link-local prefix; c) preferred beyond valid; d) not a /64
    // (our identifiers are 64 bits, and the two must make 128).
    if (!pi.autonomous) return "not-autonomous";
    if (isIpv6LinkLocal(pi.prefix) || pi.preferredLifetime > pi.validLifetime || pi.prefixLength !== 64)
      return "ignored";
    const now = this.#clock.now();
    const valid = lifetimeMs(pi.validLifetime);
    const preferred = lifetimeMs(pi.preferredLifetime);
    this.#remember(pi.prefix, now + valid, now + preferred);
    const formed = this.#addresses.formedFrom(pi.prefix);
    if (formed.length === 0) {
      if (valid === 0) return "ignored";
      this.#form(pi.prefix, ...this.#capped(now, now + valid, now + preferred));
      return "formed";
    }
    for (const record of formed) {
      // e) the preferred lifetime is reset; the valid one only as the two-hour rule allows.
      const remaining = record.validUntil - now;
      let validUntil = record.validUntil;
      if (valid > TWO_HOURS || valid > remaining) validUntil = now + valid;
      else if (remaining > TWO_HOURS) validUntil = now + TWO_HOURS;
      let preferredUntil = now + preferred;
      if (record.origin === "temporary")
        [validUntil, preferredUntil] = this.#capped(record.createdAt, validUntil, preferredUntil);
      this.#addresses.setLifetimes(record, validUntil, preferredUntil);
    }
    return "updated";
  }

  /** `record` was deprecated: with random ids, a successor while its prefix is still preferred. */
  deprecated(record: AddressRecord): void {
    if (record.origin !== "temporary") return;
    const now = this.#clock.now();
    const advertised = this.#advertised.get(prefixKey(record.address));
    if (advertised === undefined || advertised.preferredUntil <= now) return;
    this.#form(advertised.prefix, ...this.#capped(now, advertised.validUntil, advertised.preferredUntil));
  }

  clear(): void {
    this.#advertised.clear();
  }

  /** RFC 8981 §3.4: a random address's lifetimes end at most TEMP_*_LIFETIME after it was formed. */
  #capped(createdAt: number, validUntil: number, preferredUntil: number): [number, number] {
    const l = this.#limits;
    if (!l.temporary) return [validUntil, preferredUntil];
    return [
      Math.min(validUntil, createdAt + l.tempValidLifetime),
      Math.min(preferredUntil, createdAt + l.tempPreferredLifetime),
    ];
  }

  #remember(prefix: Ipv6Address, validUntil: number, preferredUntil: number): void {
    if (!this.#limits.temporary) return;
    const key = prefixKey(prefix);
    if (validUntil <= this.#clock.now()) {
      this.#advertised.delete(key);
      return;
    }
    if (!this.#advertised.has(key) && this.#advertised.size >= this.#limits.maxPrefixes) return;
    this.#advertised.set(key, { prefix: prefix.slice(), validUntil, preferredUntil });
  }
}

/** The /64 a SLAAC address belongs to, as a key. */
function prefixKey(a: Ipv6Address): string {
  return ipv6HexKey(a).slice(0, 16);
}
