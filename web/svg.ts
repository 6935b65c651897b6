/** Small helpers shared by the page's two SVG drawings: scales, tick values, escaping. */

export interface Scale {
  (value: number): number;
  ticks: number[];
}

/** A linear scale from [0, max] onto [from, to], with round tick values. */
export function linear(max: number, from: number, to: number, tickCount = 6): Scale {
  const step = niceStep(max / tickCount);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const scale = ((value: number) => from + ((to - from) * value) / top) as Scale;
  scale.ticks = [];
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

/** Bytes as the axis and counters show them. */
export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${+(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export const round = (x: number): string => x.toFixed(1);
