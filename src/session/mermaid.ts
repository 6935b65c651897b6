import type { AnyNode, ProtocolNode } from "./protocol.js";
import { checkProtocol, untyped } from "./walk.js";

/**
 * The protocol as a Mermaid state diagram, from this side's point of view: `!T` sends a T, `?T` receives
 * one, `+label` is this side's choice, `&label` the peer's. A rec names the state its body starts in
 * and `v(name)` is an edge back to it.
 */
export function toMermaid(protocol: ProtocolNode): string {
  const p = untyped(protocol);
  checkProtocol(p);
  const lines = ["stateDiagram-v2"];
  const pending: [AnyNode, string, ReadonlyMap<string, string>][] = [];
  let count = 0;

  // The state a continuation starts in; states are drawn breadth-first so edges read in protocol order.
  const target = (node: AnyNode, scope: ReadonlyMap<string, string>): string => {
    if (node.kind === "end") return "[*]";
    if (node.kind === "var") return scope.get(node.name) as string;
    const id = `s${count++}`;
    if (node.kind === "rec") {
      lines.push(`  ${id}: ${node.name}`);
      pending.push([node.body, id, new Map(scope).set(node.name, id)]);
    } else {
      pending.push([node, id, scope]);
    }
    return id;
  };
  const edgeText = (text: string) => text.replace(/[:;]/g, " ");

  const start = target(p, new Map());
  lines.splice(1, 0, `  [*] --> ${start}`);
  for (let item = pending.shift(); item; item = pending.shift()) {
    const [node, id, scope] = item;
    if ("next" in node) {
      lines.push(
        `  ${id} --> ${target(node.next, scope)}: ${node.kind === "send" ? "!" : "?"}${edgeText(node.codec.name)}`,
      );
    } else if ("branches" in node) {
      for (const [label, branch] of Object.entries(node.branches)) {
        lines.push(`  ${id} --> ${target(branch, scope)}: ${node.kind === "select" ? "+" : "&"}${edgeText(label)}`);
      }
    }
  }
  return lines.join("\n");
}
