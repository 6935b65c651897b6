/**
 * docs/tunnel.md as printed: each ```sh block runs in turn, through bash, in a project with the packed
 * package installed (test/helpers/packed.ts) and its `wirestate` command linked in node_modules/.bin as
 * npm links it, so `npx wirestate` finds the shipped command. npm is kept offline: a missing link fails
 * instead of fetching a package of that name from the registry. Everything the blocks do happens in the
 * private namespace they make.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { packageName, packedProject, repo } from "../helpers/packed.js";
import { describeWith, haveTool } from "../helpers/tools.js";

vi.setConfig({ testTimeout: 120_000 });

const doc = readFileSync(join(repo, "docs/tunnel.md"), "utf8");
const blocks = [...doc.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);

describeWith(["root", "unshare", "ip", "socat", "curl", "python3"], "docs/tunnel.md, run as printed", () => {
  let dir = "";
  let path = process.env.PATH ?? "";
  beforeAll(() => {
    dir = packedProject("wirestate-tunnel-doc-");
    mkdirSync(join(dir, "node_modules/.bin"), { recursive: true });
    // As `npm install` does for a package's bin: linked, and its target made executable.
    const bin = join(dir, "node_modules", packageName, "dist/cli/main.js");
    chmodSync(bin, 0o755);
    symlinkSync(bin, join(dir, "node_modules/.bin/wirestate"));
    // The tests run as root already; where sudo is not installed, it stands for itself.
    if (!haveTool("sudo")) {
      const shims = join(dir, "shims");
      mkdirSync(shims);
      writeFileSync(join(shims, "sudo"), '#!/bin/sh\nexec "$@"\n');
      chmodSync(join(shims, "sudo"), 0o755);
      path = `${shims}:${path}`;
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(block: string): { stdout: string; stderr: string; status: number | null } {
    const r = spawnSync("bash", ["-c", block], {
      cwd: dir,
      encoding: "utf8",
      timeout: 100_000,
      env: { ...process.env, PATH: path, npm_config_offline: "true", npm_config_update_notifier: "false" },
    });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  }

  it("has the setup block, the two directions, and the address from DHCP", () => {
    expect(blocks.length).toBe(4);
  });

  it("the setup block writes the file both directions serve", () => {
    expect(run(blocks[0]).status).toBe(0);
    expect(readFileSync(join(dir, "www/hello.txt"), "utf8")).toBe("hello through a TUN device\n");
  });

  it("the stack serves, the kernel's curl fetches", () => {
    const r = run(blocks[1]);
    expect(r.stdout, r.stderr).toBe("hello through a TUN device\n");
    expect(r.status).toBe(0);
  });

  it("the kernel serves, the stack's fetch fetches", () => {
    const r = run(blocks[2]);
    expect(r.stdout, r.stderr).toBe("hello through a TUN device\n");
    expect(r.status).toBe(0);
  });

  describeWith(["dnsmasq"], "with dnsmasq", () => {
    it("dnsmasq leases the stack its address over the TAP device, the kernel's curl fetches from it", () => {
      const r = run(blocks[3]);
      expect(r.stdout, r.stderr).toBe("hello through a TUN device\n");
      expect(r.status).toBe(0);
    });
  });
});
