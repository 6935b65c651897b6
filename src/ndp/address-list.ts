import type { Clock, Timer } from "../clock/clock.js";
import { type Ipv6Address, ipv6InPrefix, ipv6ToString } from "../wire/ipv6-address.js";
import { IPV6_ALL_NODES, ipv6MulticastMac, solicitedNodeAddress } from "../wire/ipv6-multicast.js";
import type { MacAddress } from "../wire/mac-address.js";
import { ipv6HexKey } from "./hex-key.js";
import type { AddressOrigin, AddressRemoval, AddressState, ConfiguredAddress, NdpEvent } from "./events.js";
import { scheduleLong } from "../clock/long-timer.js";

/** One address and what made it, kept so a duplicate can be replaced by the next identifier (RFC 7217 §6). */
export interface AddressRecord {
  readonly address: Ipv6Address;
  readonly prefixLength: number;
  readonly origin: AddressOrigin;
  state: AddressState;
  validUntil: number;
  preferredUntil: number;
  /** When the first address of this line was formed (RFC 8981 caps lifetimes from it). */
  readonly createdAt: number;
  /** Identifiers tried for this address after duplicates: 0 for the first. */
  readonly attempt: number;
  /** RFC 7217's DAD_Counter of the identifier. */
  readonly dadCounter: number;
}

/** What a new address is made of. */
export type AddressInit = Omit<AddressRecord, "state">;

interface Slot extends AddressRecord {
  dad: Timer | null;
  preferredTimer: Timer | null;
  validTimer: Timer | null;
}

/** What the list asks of neighbour discovery. */
export interface AddressListHooks {
  /** Send one DAD solicitation for `target` (from ::, to its solicited-node group; RFC 4862 §5.4.2). */
  solicitDad(target: Ipv6Address): void;
  /** `removed` was found in use elsewhere and is gone: form another identifier, or give up. */
  duplicate(removed: AddressRecord): void;
  /** `record` has just become deprecated. */
  deprecated(record: AddressRecord): void;
  event(e: NdpEvent): void;
}

/**
 * The interface's addresses with their RFC 4862 states: each is tentative while duplicate address
 * detection runs (§5.4), then preferred, deprecated when its preferred lifetime ends and removed when its
 * valid lifetime does (§5.5.4). It also keeps the multicast groups the addresses need: all-nodes and each
 * address's solicited-node group, joined before the first DAD solicitation (§5.4.2).
 */
export class AddressList {
  readonly #slots = new Map<string, Slot>();
  /** Group key -> [group, addresses needing it]. */
  readonly #groups = new Map<string, [Ipv6Address, number]>();
  readonly #clock: Clock;
  readonly #hooks: AddressListHooks;
  readonly #max: number;
  readonly #dadTransmits: number;
  readonly #retransTimer: () => number;

  constructor(clock: Clock, max: number, dadTransmits: number, retransTimer: () => number, hooks: AddressListHooks) {
    this.#clock = clock;
    this.#max = max;
    this.#dadTransmits = dadTransmits;
    this.#retransTimer = retransTimer;
    this.#hooks = hooks;
    this.#join(IPV6_ALL_NODES);
  }

  get size(): number {
    return this.#slots.size;
  }

  /**
   * Adds `init` as a tentative address and starts DAD after `dadDelay` ms. Null when the list is full or
   * already holds the address.
   */
  add(init: AddressInit, dadDelay: number): AddressRecord | null {
    const key = ipv6HexKey(init.address);
    if (this.#slots.has(key) || this.#slots.size >= this.#max) return null;
    const slot: Slot = { ...init, state: "tentative", dad: null, preferredTimer: null, validTimer: null };
    this.#slots.set(key, slot);
    this.#join(solicitedNodeAddress(slot.address));
    this.#arm(slot);
    this.#hooks.event({ type: "address", address: view(slot) });
    if (this.#dadTransmits === 0) this.#assign(slot);
    else this.#dadStep(slot, 0, dadDelay);
    return slot;
  }

  find(address: Ipv6Address): AddressRecord | undefined {
    return this.#slots.get(ipv6HexKey(address));
  }

  /** The autoconfigured addresses formed from the /64 `prefix` (RFC 4862 §5.5.3 e). */
  formedFrom(prefix: Ipv6Address): AddressRecord[] {
    const found: AddressRecord[] = [];
    for (const s of this.#slots.values())
      if ((s.origin === "stable" || s.origin === "temporary") && ipv6InPrefix(s.address, prefix, 64)) found.push(s);
    return found;
  }

  /**
   * New lifetimes for `record` (RFC 4862 §5.5.3 e): a deprecated address preferred again is preferred; a
   * preferred one whose preferred lifetime is now over (an RA's 0) is deprecated at once (§5.5.4).
   */
  setLifetimes(record: AddressRecord, validUntil: number, preferredUntil: number): void {
    const slot = this.#slots.get(ipv6HexKey(record.address));
    if (slot === undefined) return;
    slot.validUntil = validUntil;
    slot.preferredUntil = preferredUntil;
    this.#arm(slot);
    const preferred = preferredUntil > this.#clock.now();
    if (slot.state === "deprecated" && preferred) this.#setState(slot, "preferred");
    else if (slot.state === "preferred" && !preferred) this.#deprecate(slot);
  }

  /** RFC 4862 §5.4.3-4: `record`, still tentative, is in use elsewhere: it is removed, never used. */
  duplicate(record: AddressRecord): void {
    const slot = this.#slots.get(ipv6HexKey(record.address));
    if (slot === undefined || slot.state !== "tentative") return;
    this.#remove(slot, "duplicate");
    this.#hooks.duplicate(slot);
  }

  /** Every address, in the order they were added. */
  list(): ConfiguredAddress[] {
    return [...this.#slots.values()].map(view);
  }

  /** The multicast groups joined. */
  groups(): Ipv6Address[] {
    return [...this.#groups.values()].map(([g]) => g);
  }

  /** Whether a joined group maps to `mac` (RFC 2464 §7), read in place: it runs for every multicast frame. */
  joinedMac(mac: MacAddress): boolean {
    for (const [g] of this.#groups.values()) if (ipv6MulticastMac(g) === mac) return true;
    return false;
  }

  isJoined(group: Ipv6Address): boolean {
    return this.#groups.has(ipv6HexKey(group));
  }

  /** Stops every timer and forgets every address and its group (the interface closed); all-nodes stays. */
  clear(): void {
    for (const s of this.#slots.values()) {
      cancel(s);
      this.#leave(solicitedNodeAddress(s.address));
    }
    this.#slots.clear();
  }

  #dadStep(slot: Slot, sent: number, delay: number): void {
    slot.dad = this.#clock.schedule(delay, () => {
      if (sent < this.#dadTransmits) {
        this.#hooks.solicitDad(slot.address);
        this.#dadStep(slot, sent + 1, this.#retransTimer());
        return;
      }
      // RetransTimer after the last solicitation with no answer: the address is unique (§5.4).
      slot.dad = null;
      this.#assign(slot);
    });
  }

  #assign(slot: Slot): void {
    if (slot.preferredUntil <= this.#clock.now()) this.#deprecate(slot);
    else this.#setState(slot, "preferred");
  }

  /** The lifetime timers, from `validUntil` and `preferredUntil`. */
  #arm(slot: Slot): void {
    slot.preferredTimer?.cancel();
    slot.validTimer?.cancel();
    const now = this.#clock.now();
    slot.validTimer = scheduleLong(this.#clock, slot.validUntil - now, () => this.#remove(slot, "expired"));
    slot.preferredTimer =
      slot.preferredUntil > now
        ? scheduleLong(this.#clock, slot.preferredUntil - now, () => {
            slot.preferredTimer = null;
            if (slot.state === "preferred") this.#deprecate(slot);
          })
        : null;
  }

  #deprecate(slot: Slot): void {
    this.#setState(slot, "deprecated");
    this.#hooks.deprecated(slot);
  }

  #setState(slot: Slot, state: AddressState): void {
    if (slot.state === state) return;
    slot.state = state;
    this.#hooks.event({ type: "address", address: view(slot) });
  }

  #remove(slot: Slot, reason: AddressRemoval): void {
    cancel(slot);
    this.#slots.delete(ipv6HexKey(slot.address));
    this.#leave(solicitedNodeAddress(slot.address));
    this.#hooks.event({ type: "address-removed", address: view(slot), reason });
  }

  #join(group: Ipv6Address): void {
    const key = ipv6HexKey(group);
    const held = this.#groups.get(key);
    if (held !== undefined) {
      held[1]++;
      return;
    }
    this.#groups.set(key, [group, 1]);
    this.#hooks.event({ type: "groups", groups: this.groups() });
  }

  #leave(group: Ipv6Address): void {
    const key = ipv6HexKey(group);
    const held = this.#groups.get(key);
    if (held === undefined) return;
    if (--held[1] > 0) return;
    this.#groups.delete(key);
    this.#hooks.event({ type: "groups", groups: this.groups() });
  }
}

function cancel(slot: Slot): void {
  slot.dad?.cancel();
  slot.preferredTimer?.cancel();
  slot.validTimer?.cancel();
  slot.dad = slot.preferredTimer = slot.validTimer = null;
}

function view(s: AddressRecord): ConfiguredAddress {
  return {
    address: s.address.slice(),
    text: ipv6ToString(s.address),
    prefixLength: s.prefixLength,
    state: s.state,
    origin: s.origin,
    validUntil: s.validUntil,
    preferredUntil: s.preferredUntil,
  };
}
