// Types for scripts/capture-scenarios.mjs, so tests can run the scenarios with the library from src/.
import type * as clock from "../src/clock/index.js";
import type { CaptureLink } from "../src/link/capture.js";
import type { memoryLinkPair } from "../src/link/memory.js";
import type * as pcap from "../src/pcap/index.js";
import type { IpStack } from "../src/stack/index.js";
import type { eventText, isTraced } from "../src/stack/event-text.js";
import type * as wire from "../src/wire/index.js";

export interface CaptureLibrary {
  pcap: typeof pcap;
  wire: typeof wire;
  CaptureLink: typeof CaptureLink;
  memoryLinkPair: typeof memoryLinkPair;
  VirtualClock: typeof clock.VirtualClock;
  IpStack: typeof IpStack;
  eventText: typeof eventText;
  isTraced: typeof isTraced;
}

export interface ExampleCapture {
  name: string;
  description: string;
  bytes: Uint8Array;
}

export function generateCaptures(lib: CaptureLibrary): Promise<ExampleCapture[]>;
export function captureFiles(captures: ExampleCapture[]): Array<{ name: string; bytes: Uint8Array }>;
