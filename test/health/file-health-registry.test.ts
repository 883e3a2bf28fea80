// The file-backed health registry: survives restarts, is shared by processes on one host, and
// never loses or shortens a cooldown written concurrently. Real files, real child processes.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileHealthRegistry } from "../../src/health/file-health-registry.ts";
import { type HealthKey, healthKeyId } from "../../src/health/health-key.ts";
import type { HealthEvent } from "../../src/health/health-state.ts";

const child = fileURLToPath(new URL("./support/registry-child.ts", import.meta.url));
const base = Date.UTC(2026, 0, 15, 13);
const work: HealthKey = { kind: "credential", provider: "openai", credentialId: "openai:work" };
const shared: HealthKey = { kind: "credential", provider: "openai", credentialId: "openai:shared" };
const rule = { baseMs: 1_000, capMs: 60_000 };

function cooldown(key: HealthKey, until: number): HealthEvent {
  return { type: "cooldown", key, at: base, reason: "quota_exhausted", rule, until };
}

function runChild(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, [child, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    process_.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    process_.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    process_.on("error", reject);
    process_.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let folder = "";
let file = "";
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "baton-health-"));
  file = join(folder, "state", "health.json");
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("FileHealthRegistry", () => {
  it("keeps cooldowns across restarts, in a 0600 file", async () => {
    const first = new FileHealthRegistry({ path: file });
    await first.record([cooldown(work, base + 3_600_000)]);
    const restarted = new FileHealthRegistry({ path: file });
    expect((await restarted.read([work])).get(healthKeyId(work))).toMatchObject({
      until: base + 3_600_000,
      reason: "quota_exhausted",
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ version: 1 });
  });

  it("shows a recorded event to this process at once, before it is written", async () => {
    const registry = new FileHealthRegistry({ path: file });
    const written = registry.record([cooldown(work, base + 60_000)]);
    expect((await registry.read([work])).get(healthKeyId(work))?.until).toBe(base + 60_000);
    await written;
  });

  it("never shortens a cooldown another instance wrote, and sees it without a restart", async () => {
    const one = new FileHealthRegistry({ path: file });
    const two = new FileHealthRegistry({ path: file });
    await one.record([cooldown(work, base + 3_600_000)]);
    await two.record([cooldown(work, base + 60_000)]);
    expect((await one.read([work])).get(healthKeyId(work))?.until).toBe(base + 3_600_000);
    expect((await two.read([work])).get(healthKeyId(work))?.until).toBe(base + 3_600_000);
  });

  it("sets a damaged file aside (kept, renamed) with a warning, and starts a new one", async () => {
    await new FileHealthRegistry({ path: file }).record([cooldown(work, base + 1)]);
    await writeFile(file, "{ not json");
    const warnings: string[] = [];
    const registry = new FileHealthRegistry({ path: file, onWarning: (message) => warnings.push(message) });
    expect(await registry.read([work])).toEqual(new Map());
    await registry.record([cooldown(shared, base + 5)]);
    expect(warnings.some((warning) => /moved it to .*health\.json\.damaged-/.test(warning))).toBe(true);
    expect(JSON.parse(await readFile(file, "utf8")).entries).toHaveProperty([healthKeyId(shared)]);
  });

  it("refuses to overwrite a state file of a newer format", async () => {
    await new FileHealthRegistry({ path: file }).record([cooldown(work, base + 1)]);
    await writeFile(file, JSON.stringify({ version: 2, entries: {} }));
    const registry = new FileHealthRegistry({ path: file, onWarning: () => {} });
    await expect(registry.record([cooldown(work, base + 10)])).rejects.toThrow(
      "has version 2; this Baton reads version 1",
    );
    expect(JSON.parse(await readFile(file, "utf8")).version).toBe(2);
  });

  it("two processes writing at once: no cooldown lost, the shared one never shortened", async () => {
    const [a, b] = await Promise.all([
      runChild(["cooldowns", file, "a", "40", "1"]),
      runChild(["cooldowns", file, "b", "40", "2"]),
    ]);
    expect(a.stderr).toBe("");
    expect(b.stderr).toBe("");
    expect([a.code, b.code]).toEqual([0, 0]);
    const maxShared = Math.max(JSON.parse(a.stdout).maxShared, JSON.parse(b.stdout).maxShared);
    const entries = await new FileHealthRegistry({ path: file }).entries();
    expect(entries.get(healthKeyId(shared))?.until).toBe(maxShared);
    for (const name of ["a", "b"]) {
      for (let index = 0; index < 40; index += 1) {
        const own: HealthKey = {
          kind: "credential-model",
          provider: "openai",
          credentialId: name,
          model: `m${index}`,
        };
        expect(entries.get(healthKeyId(own))?.until).toBe(base + 1_000 * (index + 1));
      }
    }
  });

  it("two processes racing for one half-open probe: exactly one gets it", async () => {
    const registry = new FileHealthRegistry({ path: file });
    const fail: HealthEvent = {
      type: "failure-counted",
      key: shared,
      at: base,
      reason: "server_error",
      rule: { threshold: 1, windowMs: 60_000, baseMs: 10_000, capMs: 60_000 },
    };
    await registry.record([fail]);
    const at = String(base + 20_000);
    const results = await Promise.all([
      runChild(["claim", file, "turn-a", at]),
      runChild(["claim", file, "turn-b", at]),
    ]);
    expect(results.map((result) => result.stderr)).toEqual(["", ""]);
    expect(results.map((result) => JSON.parse(result.stdout)).sort()).toEqual([false, true]);
  });
});
