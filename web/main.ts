/**
 * The demo page: starts the two stack workers, joins them with a MessageChannel, forwards the sliders, and
 * draws what the workers report (counters, the session exchange, the time-sequence graph, the state
 * timeline). `window.wirestateDemo` exposes the latest run to tests.
 */
import type { StackCounters } from "../src/api/index.js";
import type {
  AckSample,
  CwndSample,
  Done,
  FromWorker,
  Impairment,
  LinkCounters,
  Role,
  SentSegment,
  ToWorker,
} from "./messages.js";
import { BULK_PORT, CONTROL_PORT } from "./protocol.js";
import { seqGraphSvg } from "./seq-graph.js";
import { escapeXml, formatBytes } from "./svg.js";
import { type Lane, timelineSvg } from "./timeline.js";

const ROLES: readonly Role[] = ["client", "server"];
const STATES = [
  "SYN-SENT",
  "SYN-RECEIVED",
  "ESTABLISHED",
  "FIN-WAIT-1",
  "FIN-WAIT-2",
  "CLOSE-WAIT",
  "LAST-ACK",
  "CLOSING",
  "TIME-WAIT",
];
const RENDER_MS = 150;

interface RunView {
  t0: number;
  bytes: number;
  seed: number;
  workers: Record<Role, Worker>;
  lanes: Map<string, Lane>;
  segments: SentSegment[];
  acks: AckSample[];
  cwnd: CwndSample[];
  counters: Partial<Record<Role, { stack: StackCounters; link: LinkCounters; captureBytes: number; progress: number }>>;
  session: Array<{ role: Role; kind: "session" | "typestate"; t: number; text: string }>;
  events: Array<{ role: Role; t: number; text: string }>;
  done: Partial<Record<Role, Done>>;
  error: string | null;
}

export interface DemoState {
  state: "idle" | "running" | "done" | "error";
  config: { bytes: number; seed: number } | null;
  client: Done | null;
  server: Done | null;
  error: string | null;
  counters: RunView["counters"];
  retransmittedSegments: number;
  lanes: Array<{ role: Role; purpose: string; states: string[] }>;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const now = () => performance.timeOrigin + performance.now();

let view: RunView | null = null;
let renderPending = false;

function impairment(): Impairment {
  return { loss: Number($<HTMLInputElement>("loss").value) / 100, delay: Number($<HTMLInputElement>("delay").value) };
}

function showSliders(): void {
  const i = impairment();
  $("loss-value").textContent = `${+(i.loss * 100).toFixed(1)} %`;
  $("delay-value").textContent = `${i.delay} ms`;
}

function start(): void {
  if (view !== null) for (const r of ROLES) view.workers[r].terminate();
  const bytes = Number($<HTMLSelectElement>("size").value);
  const seed = Math.max(1, Math.min(0xffffffff, Math.floor(Number($<HTMLInputElement>("seed").value) || 1)));
  const channel = new MessageChannel();
  const spawn = (role: Role) => {
    const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: `wirestate ${role}` });
    // A message still queued from a run the user replaced must not land in the new one.
    worker.onmessage = (e: MessageEvent<FromWorker>) => void (view?.workers[role] === worker && receive(e.data));
    worker.onerror = (e) => fail(`${role} worker: ${e.message}`);
    return worker;
  };
  view = {
    t0: now(),
    bytes,
    seed,
    workers: { client: spawn("client"), server: spawn("server") },
    lanes: new Map(),
    segments: [],
    acks: [],
    cwnd: [],
    counters: {},
    session: [],
    events: [],
    done: {},
    error: null,
  };
  const send = (role: Role, port: MessagePort) => {
    const message: ToWorker = { type: "start", config: { role, bytes, seed, ...impairment() }, port };
    view!.workers[role].postMessage(message, [port]);
  };
  // The server first, so its listeners exist before the client's SYN (a lost race would just retry the SYN).
  send("server", channel.port2);
  send("client", channel.port1);
  document.body.dataset.state = "running";
  for (const id of ["download-client", "download-server"]) $<HTMLButtonElement>(id).disabled = false;
  $("result").innerHTML = `Transferring ${formatBytes(bytes)}…`;
  scheduleRender();
}

function receive(m: FromWorker): void {
  const v = view;
  if (v === null) return;
  switch (m.type) {
    case "update":
      for (const s of m.states) {
        const key = `${m.role} ${s.connection}`;
        let lane = v.lanes.get(key);
        if (lane === undefined) {
          lane = { role: m.role, connection: s.connection, purpose: purposeOf(s.connection), changes: [] };
          v.lanes.set(key, lane);
        }
        lane.changes.push(s);
      }
      // The delayed-ACK timer fires all the time and says little; the log keeps the events that explain the graph.
      for (const e of m.events) {
        if (e.event.type === "timer" && e.event.timer === "delayed-ack") continue;
        v.events.push({ role: m.role, t: e.t, text: e.text });
      }
      v.segments.push(...m.segments);
      v.acks.push(...m.acks);
      v.cwnd.push(...m.cwnd);
      v.counters[m.role] = { stack: m.counters, link: m.link, captureBytes: m.captureBytes, progress: m.progress };
      break;
    case "session":
      v.session.push({ role: m.role, kind: m.kind, t: m.t, text: m.text });
      break;
    case "done":
      v.done[m.role] = m;
      if (v.done.client && v.done.server) document.body.dataset.state = "done";
      break;
    case "error":
      fail(`${m.role}: ${m.message}`);
      break;
    case "capture":
      download(m.role, m.bytes);
      return;
  }
  scheduleRender();
}

function fail(message: string): void {
  if (view !== null) view.error ??= message;
  document.body.dataset.state = "error";
  scheduleRender();
}

function purposeOf(connection: string): string {
  const ports = connection.split(">").map((end) => Number(end.split(":")[1]));
  if (ports.includes(BULK_PORT)) return "bulk transfer";
  if (ports.includes(CONTROL_PORT)) return "session (control)";
  return "connection";
}

function download(role: Role, bytes: Uint8Array<ArrayBuffer>): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: "application/vnd.tcpdump.pcap" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = `wirestate-${role}.pcapng`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function requestCapture(role: Role): void {
  const message: ToWorker = { type: "capture" };
  view?.workers[role].postMessage(message);
}

function scheduleRender(): void {
  if (renderPending) return;
  renderPending = true;
  setTimeout(() => {
    renderPending = false;
    render();
  }, RENDER_MS);
}

function render(): void {
  const v = view;
  if (v === null) return;
  const t = (at: number) => `${((at - v.t0) / 1000).toFixed(3)} s`;
  const acked = v.counters.client?.progress ?? 0;
  $("progress-bar").style.width = `${Math.min(100, (100 * acked) / v.bytes)}%`;
  $("result").innerHTML = resultHtml(v);

  $("counters").innerHTML = countersHtml(v);
  // Two workers report independently; their clocks share the epoch, so time order is the true order.
  $("session-log").innerHTML = [...v.session]
    .sort((a, b) => a.t - b.t)
    .map(
      (s) =>
        `<li><span class="t">${t(s.t)}</span><span class="role-${s.role}">${s.role}</span> <span class="kind kind-${s.kind}">${s.kind === "session" ? "control" : "bulk"}</span> ${escapeXml(s.text)}</li>`,
    )
    .join("");
  $("event-log").innerHTML = v.events
    .slice(-200)
    .map(
      (e) =>
        `<li><span class="t">${t(e.t)}</span><span class="role-${e.role}">${e.role}</span> ${escapeXml(e.text)}</li>`,
    )
    .join("");

  const end = Math.max(now(), v.t0 + 100);
  $("seq-graph").innerHTML = seqGraphSvg({
    t0: v.t0,
    segments: v.segments,
    acks: v.acks,
    cwnd: v.cwnd,
    total: v.bytes,
  });
  const lanes = [...v.lanes.values()].sort((a, b) => a.changes[0].t - b.changes[0].t);
  const latest = Math.max(...lanes.map((l) => l.changes.at(-1)!.t), v.segments.at(-1)?.t ?? 0);
  $("timeline").innerHTML = timelineSvg(lanes, v.t0, document.body.dataset.state === "running" ? end : latest + 50);
  $("transitions").innerHTML = lanes
    .map(
      (l) =>
        `<li><span class="who"><span class="role-${l.role}">${l.role}</span> ${escapeXml(l.purpose)}</span>` +
        l.changes.map((c) => `<span class="st">${c.to}</span> <span class="at">${t(c.t)}</span>`).join(" → ") +
        "</li>",
    )
    .join("");
  publish(v);
  // Keep the timeline's time axis moving while anything still runs (TIME-WAIT, a stalled transfer).
  if (document.body.dataset.state === "running") scheduleRender();
}

function resultHtml(v: RunView): string {
  if (v.error !== null) return `<span class="bad">✘ ${escapeXml(v.error)}</span>`;
  const { client, server } = v.done;
  if (!client || !server) {
    const acked = v.counters.client?.progress ?? 0;
    return `Transferring ${formatBytes(v.bytes)}: ${formatBytes(acked)} acknowledged…`;
  }
  const seconds = server.elapsedMs / 1000;
  const rate = (8 * server.bytes) / seconds / 1e6;
  const verdict =
    client.intact && server.intact
      ? `<span class="ok">✔ ${server.bytes.toLocaleString("en")} bytes arrived intact</span>`
      : `<span class="bad">✘ transfer corrupted: ${server.bytes.toLocaleString("en")} bytes, hashes differ</span>`;
  return (
    `${verdict} in ${seconds.toFixed(2)} s (${rate.toFixed(1)} Mbit/s goodput). ` +
    `<span class="hash" id="server-sha256" title="SHA-256 of the bytes the server received">SHA-256 ${server.sha256}</span>`
  );
}

function countersHtml(v: RunView): string {
  const rows: Array<[string, (c: NonNullable<RunView["counters"]["client"]>) => number | string, boolean?]> = [
    ["segments sent", (c) => c.stack.segmentsOut],
    ["segments received", (c) => c.stack.segmentsIn],
    ["retransmissions", (c) => c.stack.retransmits, true],
    ["lost on the wire (sent)", (c) => c.link.lost, true],
    ["dropped by the stack", (c) => Object.values(c.stack.drops).reduce((a, b) => a + b, 0), true],
    ...dropReasons(v).map((reason): (typeof rows)[number] => [`  ${reason}`, (c) => c.stack.drops[reason], true]),
    ["checksum errors", (c) => c.stack.checksumErrors, true],
    ["resets sent", (c) => c.stack.resetsSent, true],
    ["connections opened / accepted", (c) => `${c.stack.connectionsOpened} / ${c.stack.connectionsAccepted}`],
    ["bulk bytes acked / received", (c) => formatBytes(c.progress)],
    ["capture size", (c) => formatBytes(c.captureBytes)],
  ];
  const head = `<thead><tr><th></th><th class="role-client">client 10.0.0.1</th><th class="role-server">server 10.0.0.2</th></tr></thead>`;
  const body = rows
    .map(([name, get, hot]) => {
      const cells = ROLES.map((r) => {
        const c = v.counters[r];
        const value = c === undefined ? "–" : get(c);
        const cls = hot && typeof value === "number" && value > 0 ? ` class="hot"` : "";
        return `<td${cls}>${typeof value === "number" ? value.toLocaleString("en") : value}</td>`;
      });
      const label = name.startsWith("  ") ? `<span class="sub">${name.trim()}</span>` : name;
      return `<tr><td>${label}</td>${cells.join("")}</tr>`;
    })
    .join("");
  return `${head}<tbody>${body}</tbody>`;
}

/** The drop reasons either side has counted, so the table names why packets were dropped. */
function dropReasons(v: RunView): Array<keyof StackCounters["drops"]> {
  const reasons = new Set<keyof StackCounters["drops"]>();
  for (const r of ROLES) {
    const drops = v.counters[r]?.stack.drops;
    if (drops === undefined) continue;
    for (const reason of Object.keys(drops) as Array<keyof StackCounters["drops"]>)
      if (drops[reason] > 0) reasons.add(reason);
  }
  return [...reasons];
}

function publish(v: RunView): void {
  const state: DemoState = {
    state: document.body.dataset.state as DemoState["state"],
    config: { bytes: v.bytes, seed: v.seed },
    client: v.done.client ?? null,
    server: v.done.server ?? null,
    error: v.error,
    counters: v.counters,
    retransmittedSegments: v.segments.filter((s) => s.retransmit).length,
    lanes: [...v.lanes.values()].map((l) => ({ role: l.role, purpose: l.purpose, states: l.changes.map((c) => c.to) })),
  };
  (window as unknown as { wirestateDemo: DemoState }).wirestateDemo = state;
}

function legend(): void {
  $("state-legend").innerHTML = STATES.map((s) => `<i class="sw s-${s}"></i>${s}`).join(" ");
}

for (const id of ["loss", "delay"]) {
  $(id).addEventListener("input", () => {
    showSliders();
    if (view === null) return;
    const message: ToWorker = { type: "impair", impairment: impairment() };
    for (const r of ROLES) view.workers[r].postMessage(message);
  });
}
$("run").addEventListener("click", start);
$("download-client").addEventListener("click", () => requestCapture("client"));
$("download-server").addEventListener("click", () => requestCapture("server"));
showSliders();
legend();
