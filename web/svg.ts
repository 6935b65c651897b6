/** Small helpers shared by the page's two SVG drawings: scales, tick values, escaping. */

export interface Scale {
  (value: number): number;
  ticks: number[];
  /** A tick value as its label. */
  label(value: number): string;
}

/** A linear scale from [0, max] onto [from, to], with round tick values (round multiples of `unit`). */
export function linear(max: number, from: number, to: number, tickCount = 6, unit = 1): Scale {
  const step = niceStep(max / unit / tickCount) * unit;
  const top = Math.max(step, Math.ceil(max / step) * step);
  const scale = ((value: number) => from + ((to - from) * value) / top) as Scale;
  scale.ticks = [];
  scale.label = (v) => `${+v.toFixed(3)}`;
  for (let v = 0; v <= top + step / 2; v += step) scale.ticks.push(v);
  return scale;
}

function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * power;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A scale over bytes whose ticks fall on round KiB or MiB. */
export function bytesScale(max: number, from: number, to: number, tickCount: number): Scale {
  const [unit, name] = max >= 1 << 20 ? [1 << 20, "MiB"] : [1024, "KiB"];
  const scale = linear(max, from, to, tickCount, unit);
  scale.label = (v) => (v === 0 ? "0" : `${+(v / unit).toFixed(2)} ${name}`);
  return scale;
}

/** Bytes as the axis and counters show them. */
export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${+(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export const round = (x: number): string => x.toFixed(1);
