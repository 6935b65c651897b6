/**
 * The connection timeline: one lane per connection per side, coloured by its RFC 9293 state over time,
 * so the handshake, the transfer and each close sequence (FIN-WAIT-1, TIME-WAIT, LAST-ACK...) line up.
 */
import type { Role, StateChange } from "./messages.js";
import { escapeXml, linear, round } from "./svg.js";

export interface Lane {
  role: Role;
  /** The engine's connection id, "10.0.0.1:49152>10.0.0.2:9". */
  connection: string;
  /** What the connection is for ("session", "bulk"). */
  purpose: string;
  changes: StateChange[];
}

const W = 1100;
const LEFT = 250;
// Room after the last lane end for its CLOSED label.
const RIGHT = 64;
const LANE = 34;
const TOP = 10;

export function timelineSvg(lanes: readonly Lane[], t0: number, now: number): string {
  const h = TOP + lanes.length * LANE + 30;
  const x = linear(Math.max(0.1, (now - t0) / 1000), LEFT, W - RIGHT, 10);
  const tx = (t: number) => x((t - t0) / 1000);
  const parts: string[] = [];
  for (const v of x.ticks) {
    parts.push(`<line class="grid" x1="${round(x(v))}" x2="${round(x(v))}" y1="${TOP}" y2="${h - 24}"/>`);
    parts.push(`<text class="tick" x="${round(x(v))}" y="${h - 8}" text-anchor="middle">${+v.toFixed(2)} s</text>`);
  }
  lanes.forEach((lane, i) => {
    const top = TOP + i * LANE;
    const [local, remote] = lane.connection.split(">");
    parts.push(
      `<text class="lane-label" x="8" y="${top + 15}"><tspan class="role-${lane.role}">${lane.role}</tspan> ${escapeXml(lane.purpose)}</text>`,
      `<text class="lane-sub" x="8" y="${top + 28}">${escapeXml(local)} → ${escapeXml(remote)}</text>`,
    );
    lane.changes.forEach((c, j) => {
      const end = lane.changes[j + 1]?.t ?? now;
      const x0 = tx(c.t);
      const width = Math.max(1.5, tx(end) - x0);
      if (c.to === "CLOSED" && j === lane.changes.length - 1) {
        parts.push(
          `<line class="closed-mark" x1="${round(x0)}" x2="${round(x0)}" y1="${top + 4}" y2="${top + LANE - 6}"/>`,
        );
        parts.push(`<text class="state-text outside" x="${round(x0 + 4)}" y="${top + 21}">CLOSED</text>`);
        return;
      }
      parts.push(
        `<rect class="state s-${c.to}" x="${round(x0)}" y="${top + 4}" width="${round(width)}" height="${LANE - 10}" rx="3"><title>${c.to} at ${((c.t - t0) / 1000).toFixed(3)} s</title></rect>`,
      );
      // Label the state where it fits; the tooltip names it anyway.
      if (width > c.to.length * 6.6 + 8)
        parts.push(`<text class="state-text" x="${round(x0 + 4)}" y="${top + 21}">${c.to}</text>`);
    });
  });
  return `<svg viewBox="0 0 ${W} ${h}" role="img" aria-label="connection state timeline">${parts.join("")}</svg>`;
}
