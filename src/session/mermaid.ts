import type { AnyNode, ProtocolNode } from "./protocol.js";
import { checkProtocol, untyped } from "./walk.js";

/**
 * The protocol as a Mermaid state diagram, from this side's point of view: `!T` sends a T, `?T` receives
 * one, `+label` is this side's choice, `&label` the peer's. Recursion becomes a loop back to the rec's state.
 */
export function toMermaid(protocol: ProtocolNode): string {
  const p = untyped(protocol);
  checkProtocol(p);
  const lines = ["stateDiagram-v2"];
  const states = new Map<AnyNode, string>();
  let count = 0;
  const fresh = () => `s${count++}`;

  // Returns the state that `node` starts in; `scope` maps rec names to their states.
  const visit = (node: AnyNode, scope: ReadonlyMap<string, string>): string => {
    if (node.kind === "var") return scope.get(node.name) as string;
    if (node.kind === "end") return "[*]";
    const known = states.get(node);
    if (known) return known;
    if (node.kind === "rec") {
      const id = fresh();
      states.set(node, id);
      lines.push(`  ${id}: ${node.name}`);
      const body = visit(node.body, new Map(scope).set(node.name, id));
      lines.push(`  ${id} --> ${body}`);
      return id;
    }
    const id = fresh();
    states.set(node, id);
    if ("next" in node) {
      const next = visit(node.next, scope);
      lines.push(`  ${id} --> ${next}: ${node.kind === "send" ? "!" : "?"}${node.codec.name.replace(/[:;]/g, " ")}`);
    } else {
      for (const [label, branch] of Object.entries(node.branches)) {
        const next = visit(branch, scope);
        lines.push(`  ${id} --> ${next}: ${node.kind === "select" ? "+" : "&"}${label}`);
      }
    }
    return id;
  };
  const start = visit(p, new Map());
  lines.splice(1, 0, `  [*] --> ${start}`);
  return lines.join("\n");
}
