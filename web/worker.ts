/**
 * One TCP/IP stack in a Web Worker. The page starts two (client 10.0.0.1, server 10.0.0.2) and joins them
 * with a MessageChannel. The client announces a bulk transfer on a session-typed control connection, sends
 * the bytes on a second connection, and hears back from the server what arrived. Everything the worker
 * sees (state transitions, segments, ACKs, cwnd, counters) goes to the page in batches every 100 ms.
 */
import {
  connectionId,
  eventText,
  isTraced,
  type ConnectionInfo,
  type TcpStream,
  MemorySink,
  messagePortLink,
  PcapngWriter,
  Stack,
  type Link,
} from "../src/api/index.js";
import { dual, session } from "../src/session/index.js";
import type { CwndSample, EngineEvent, FromWorker, RunConfig, SessionStep, StateChange, ToWorker } from "./messages.js";
import { payloadBytes, sha256Hex } from "./payload.js";
import { BULK_PORT, CLIENT_ADDRESS, Control, CONTROL_PORT, SERVER_ADDRESS } from "./protocol.js";
import { SegmentTap } from "./segment-tap.js";
import { TunableLink } from "./tunable-link.js";

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

const now = (): number => performance.timeOrigin + performance.now();
const WRITE_CHUNK = 16 * 1024;
const FLUSH_MS = 100;

class Run {
  readonly config: RunConfig;
  readonly link: TunableLink;
  readonly stack: Stack;
  readonly sink = new MemorySink({ limitBytes: 256 << 20 });
  readonly #tap: SegmentTap | null;
  readonly #states: StateChange[] = [];
  readonly #events: EngineEvent[] = [];
  readonly #cwnd: CwndSample[] = [];
  /** The bulk connection's current handle, while one can be asked (typestate handles are single-use). */
  #bulkInfo: (() => ConnectionInfo) | null = null;
  #progress = 0;
  #lastActivity = "";
  #eventCount = 0;

  constructor(config: RunConfig, port: MessagePort) {
    this.config = config;
    const client = config.role === "client";
    this.link = new TunableLink(messagePortLink(port, { mtu: 1500 }), config, config.seed * 2 + (client ? 0 : 1));
    let link: Link = this.link;
    this.#tap = null;
    if (client) {
      this.#tap = new SegmentTap(this.link, BULK_PORT, now);
      this.#tap.onAck = () => this.#sampleCwnd();
      link = this.#tap;
    }
    this.stack = new Stack({
      address: client ? CLIENT_ADDRESS : SERVER_ADDRESS,
      link,
      capture: new PcapngWriter(this.sink, {
        interfaceName: `${config.role} ${client ? CLIENT_ADDRESS : SERVER_ADDRESS}`,
      }),
      // A short MSL so TIME-WAIT visibly ends on the timeline.
      tcp: { msl: 1000 },
    });
    // The timeline draws the transitions; the log lists the other traced events.
    this.stack.events.on("state", (e) => {
      this.#eventCount++;
      this.#states.push({ t: now(), connection: connectionId(e.connection), from: e.from, to: e.to });
    });
    this.stack.events.on("*", (e) => {
      if (e.type === "state" || !isTraced(e)) return;
      this.#eventCount++;
      this.#events.push({ t: now(), event: e, text: eventText(e) });
    });
    setInterval(() => this.flush(), FLUSH_MS);
  }

  async start(): Promise<void> {
    const started = now();
    try {
      const result = this.config.role === "client" ? await this.#client() : await this.#server();
      this.flush();
      scope.postMessage({ type: "done", role: this.config.role, ...result, elapsedMs: now() - started });
    } catch (error) {
      this.flush();
      scope.postMessage({
        type: "error",
        role: this.config.role,
        message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }

  async #client(): Promise<{ bytes: number; sha256: string; intact: boolean }> {
    const { bytes, seed } = this.config;
    const payload = payloadBytes(bytes, seed);
    const sha256 = await sha256Hex(payload);
    const control = await session(Control, await this.stack.connect(SERVER_ADDRESS, CONTROL_PORT));
    const awaitingReport = control.send({ bytes, seed, sha256 });
    this.#step(`send Announce { bytes: ${bytes}, seed: ${seed}, sha256: ${sha256.slice(0, 8)}… }`);

    const bulk = await this.stack.connect(SERVER_ADDRESS, BULK_PORT);
    this.#handle("connect()", bulk);
    this.#bulkInfo = () => bulk.info();
    for (let at = 0; at < bytes; at += WRITE_CHUNK) await bulk.write(payload.subarray(at, at + WRITE_CHUNK));
    const finWait1 = bulk.shutdown();
    this.#handle(`write() × ${Math.ceil(bytes / WRITE_CHUNK)}, shutdown()`, finWait1);
    this.#bulkInfo = () => finWait1.info();
    const finWait2 = await finWait1.acknowledged();
    this.#handle("acknowledged()", finWait2);
    this.#bulkInfo = null;

    const [report, last] = await awaitingReport.recv();
    this.#step(
      `recv Report { bytes: ${report.bytes}, sha256: ${report.sha256.slice(0, 8)}…, intact: ${report.intact} }`,
    );
    await last.close();
    this.#step("end");
    this.#handle("close()", await finWait2.close());
    return { bytes, sha256, intact: report.intact && report.sha256 === sha256 };
  }

  async #server(): Promise<{ bytes: number; sha256: string; intact: boolean }> {
    const controlListener = this.stack.listen(CONTROL_PORT);
    const bulkListener = this.stack.listen(BULK_PORT);
    const control = await session(dual(Control), await controlListener.accept());
    const [announce, reply] = await control.recv();
    this.#step(
      `recv Announce { bytes: ${announce.bytes}, seed: ${announce.seed}, sha256: ${announce.sha256.slice(0, 8)}… }`,
    );

    const bulk = await bulkListener.accept();
    this.#handle("accept()", bulk);
    const received = new Uint8Array(announce.bytes);
    let length = 0;
    let closeWait: TcpStream<"CloseWait"> | undefined;
    for (;;) {
      const r = await bulk.read();
      if (r.done) {
        closeWait = r.stream;
        break;
      }
      // More than announced is a failed transfer too; keep the count, drop the surplus.
      if (length + r.value.length <= received.length) received.set(r.value, length);
      length += r.value.length;
      this.#progress = length;
    }
    this.#handle("read() until the peer's FIN", closeWait!);
    this.#handle("close()", await closeWait!.close());
    const sha256 = length === received.length ? await sha256Hex(received) : "";
    const intact = sha256 === announce.sha256;
    const last = reply.send({ bytes: length, sha256, intact });
    this.#step(`send Report { bytes: ${length}, sha256: ${sha256.slice(0, 8)}…, intact: ${intact} }`);
    await last.close();
    this.#step("end");
    controlListener.close();
    bulkListener.close();
    return { bytes: length, sha256, intact };
  }

  flush(): void {
    const tap = this.#tap;
    if (tap !== null) this.#progress = tap.acks.at(-1)?.ack ?? this.#progress;
    // Once the connections are quiet (after the run, in TIME-WAIT) there is nothing new to draw.
    const { packetsIn, segmentsOut } = this.stack.counters;
    const activity = `${packetsIn} ${segmentsOut} ${this.#progress} ${this.#eventCount}`;
    if (activity === this.#lastActivity) return;
    this.#lastActivity = activity;
    scope.postMessage({
      type: "update",
      role: this.config.role,
      states: this.#states.splice(0),
      events: this.#events.splice(0),
      segments: tap?.segments.splice(0) ?? [],
      acks: tap?.acks.splice(0) ?? [],
      cwnd: this.#cwnd.splice(0),
      counters: this.stack.counters,
      link: this.link.counters,
      progress: this.#progress,
      captureBytes: this.sink.length,
    });
  }

  #sampleCwnd(): void {
    if (this.#bulkInfo === null) return;
    const { cwnd, ssthresh } = this.#bulkInfo();
    const last = this.#cwnd.at(-1);
    if (last === undefined || last.cwnd !== cwnd || last.ssthresh !== ssthresh)
      this.#cwnd.push({ t: now(), cwnd, ssthresh });
  }

  #step(text: string, kind: SessionStep["kind"] = "session"): void {
    const step: SessionStep = { type: "session", kind, role: this.config.role, t: now(), text };
    scope.postMessage(step);
  }

  /** The bulk connection's typestate: which handle type each call gave back, read from the handle itself. */
  #handle(call: string, handle: { readonly state: string }): void {
    this.#step(`${call} → TcpStream<"${handle.state}">`, "typestate");
  }
}

let run: Run | null = null;

scope.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case "start":
      // One run per worker: the page starts fresh workers for the next one.
      if (run !== null) return;
      run = new Run(message.config, message.port);
      void run.start();
      break;
    case "impair":
      run?.link.retune(message.impairment);
      break;
    case "capture": {
      if (run === null) return;
      // bytes() returns a fresh copy, so its buffer can move to the page.
      const bytes = run.sink.bytes() as Uint8Array<ArrayBuffer>;
      scope.postMessage({ type: "capture", role: run.config.role, bytes }, [bytes.buffer]);
      break;
    }
  }
};
