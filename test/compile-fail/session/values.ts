// Protocol values that are not protocols.
import { end, rec, select, send, u32, utf8, v, type Send, type End } from "../../../src/session/index.js";

// @ts-expect-error a continuation must be a protocol node
export const notANode = send(u32, 5);
// @ts-expect-error every branch must be a protocol node
export const badBranch = select({ more: "yes" });
// @ts-expect-error a u32 step does not carry strings
export const typed: Send<string, End> = send(u32, end);
// @ts-expect-error rec needs a name
export const nameless = rec(send(utf8, v("x")));
