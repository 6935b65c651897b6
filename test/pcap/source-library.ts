// The library the capture scenarios (scripts/capture-scenarios.mjs) run with, taken from src/: the same
// object for the Node test and the Chromium bundle. `npm run captures` passes dist/'s instead.
import * as clock from "../../src/clock/index.js";
import { CaptureLink } from "../../src/link/capture.js";
import { memoryLinkPair } from "../../src/link/memory.js";
import * as pcap from "../../src/pcap/index.js";
import { IpStack } from "../../src/stack/index.js";
import { eventText, isTraced } from "../../src/stack/event-text.js";
import * as wire from "../../src/wire/index.js";
import type { CaptureLibrary } from "../../scripts/capture-scenarios.mjs";

export const sourceLibrary: CaptureLibrary = {
  pcap,
  wire,
  CaptureLink,
  memoryLinkPair,
  VirtualClock: clock.VirtualClock,
  IpStack,
  eventText,
  isTraced,
};
