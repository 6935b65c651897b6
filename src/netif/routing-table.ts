import { prefixMask } from "../wire/ipv4-address.js";
import type { NetworkInterface } from "./network-interface.js";

export interface Route {
  network: number;
  prefix: number;
  /** The router to send through; absent for a subnet on the link (the destination is its own next hop). */
  gateway?: number;
  via: NetworkInterface;
}

/**
 * IPv4 routes, looked up by longest prefix (RFC 1812 §5.2.4.3): a destination takes the most specific
 * route that holds it, the default route (prefix 0) last. Few routes, so a list kept sorted by prefix
 * length, longest first: the first match is the answer.
 */
export class RoutingTable {
  readonly #routes: (Route & { mask: number })[] = [];

  /** Add a route; the longest matching prefix wins a lookup. */
  add(route: Route): void {
    if (!(Number.isInteger(route.prefix) && route.prefix >= 0 && route.prefix <= 32))
      throw new RangeError(`route: prefix must be an integer in 0..32, got ${route.prefix}`);
    const mask = prefixMask(route.prefix);
    const entry = { ...route, network: (route.network & mask) >>> 0, mask };
    const at = this.#routes.findIndex((r) => r.prefix < route.prefix);
    this.#routes.splice(at < 0 ? this.#routes.length : at, 0, entry);
  }

  /** Routes through `via` go (it closed, or its address changed). */
  removeVia(via: NetworkInterface): void {
    for (let i = this.#routes.length - 1; i >= 0; i--) if (this.#routes[i].via === via) this.#routes.splice(i, 1);
  }

  /** The route for `destination`, or null: no route to it. */
  lookup(destination: number): Route | null {
    for (const r of this.#routes) if ((destination & r.mask) >>> 0 === r.network) return r;
    return null;
  }

  get routes(): readonly Route[] {
    return this.#routes;
  }
}
