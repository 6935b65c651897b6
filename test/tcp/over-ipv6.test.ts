// The connection-level fixture suites again with IPv6 ends (address keys at or above 2^32, 40-byte IP
// headers in the path MTU arithmetic): the engine must not care which family its ends are.
import { setFixtureFamily } from "./fixture.js";

setFixtureFamily(6);
await import("./handshake.test.js");
await import("./close.test.js");
await import("./transfer.test.js");
await import("./paws.test.js");
