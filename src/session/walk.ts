import type { AnyNode, ProtocolNode } from "./protocol.js";
import { sha256 } from "./sha256.js";

/** The untyped view of a typed protocol: runtime code walks this, the API casts at its edge. */
export function untyped(p: ProtocolNode): AnyNode {
  return p as unknown as AnyNode;
}

/**
 * Checks what the types cannot: every `v(name)` is bound by an enclosing `rec`, every node has a known
 * kind and every message step a codec. Throws TypeError naming the path to the bad node.
 */
export function checkProtocol(p: AnyNode): void {
  const visit = (n: AnyNode, bound: readonly string[], path: string): void => {
    if (typeof n !== "object" || n === null) throw new TypeError(`protocol at ${path}: not a protocol node`);
    switch (n.kind) {
      case "send":
      case "recv":
        if (
          typeof n.codec?.write !== "function" ||
          typeof n.codec?.read !== "function" ||
          typeof n.codec?.name !== "string"
        ) {
          throw new TypeError(`protocol at ${path}: ${n.kind} needs a codec`);
        }
        return visit(n.next, bound, `${path}.${n.kind}(${n.codec.name})`);
      case "select":
      case "offer":
        for (const [label, b] of Object.entries(n.branches))
          visit(b, bound, `${path}.${n.kind}[${JSON.stringify(label)}]`);
        return;
      case "rec":
        return visit(n.body, [...bound, n.name], `${path}.rec(${n.name})`);
      case "var":
        if (!bound.includes(n.name))
          throw new TypeError(`protocol at ${path}: v("${n.name}") has no enclosing rec("${n.name}", ...)`);
        return;
      case "end":
        return;
      default:
        throw new TypeError(`protocol at ${path}: unknown kind ${JSON.stringify((n as { kind: unknown }).kind)}`);
    }
  };
  visit(p, [], "root");
}

/**
 * A canonical text of the protocol's structure: codec names, labels (sorted), recursion as de Bruijn
 * indices so the names chosen for `rec` do not matter. `flipped` writes the dual's text instead.
 */
export function canonical(p: AnyNode, flipped = false): string {
  const parts: string[] = [];
  const visit = (n: AnyNode, bound: readonly string[]): void => {
    switch (n.kind) {
      case "send":
      case "recv":
        parts.push((n.kind === "send") !== flipped ? "!" : "?", JSON.stringify(n.codec.name), ".");
        return visit(n.next, bound);
      case "select":
      case "offer":
        parts.push((n.kind === "select") !== flipped ? "+{" : "&{");
        for (const label of Object.keys(n.branches).sort()) {
          parts.push(JSON.stringify(label), ":");
          visit(n.branches[label], bound);
          parts.push(";");
        }
        parts.push("}");
        return;
      case "rec":
        parts.push("mu.");
        return visit(n.body, [n.name, ...bound]);
      case "var":
        parts.push(`#${bound.indexOf(n.name)}`);
        return;
      case "end":
        parts.push("end");
        return;
    }
  };
  visit(p, []);
  return parts.join("");
}

/** SHA-256 of the canonical text: what the HELLO frame carries. */
export function fingerprint(p: AnyNode, flipped = false): Uint8Array {
  return sha256(new TextEncoder().encode(canonical(p, flipped)));
}
