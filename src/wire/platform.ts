/**
 * True under Node, false in a browser tab (or a worker of one). A tab shares its process with the page, so
 * the memory the stack reserves or lets its connections take is sized down there: the packet arena and
 * send-ring region (wasm.ts) and the default memory budget (tcp/memory-budget.ts).
 */
export const ON_NODE = typeof process !== "undefined" && typeof process.versions?.node === "string";
