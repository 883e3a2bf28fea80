// Two processes share the health file. Process A's engine reads the health state, then its
// model fails for the second time in a row and it decides the breaker opens; but between its
// read and its write, process B recorded a success on that model, which reset the count in the
// file. The breaker never opens in the shared state, and A's trace must not claim a window it
// does not keep: it traces the opening, then a `breaker-closed` marked `superseded`, and its
// next turn tries the model again. Real engine, real file registries, the simulator over HTTP.
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileHealthRegistry } from "../../src/health/file-health-registry.ts";
import { healthKeyId } from "../../src/health/health-key.ts";
import type { HealthRegistry } from "../../src/health/health-registry.ts";
import type { HealthEvent } from "../../src/health/health-state.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import type { TraceEvent } from "../../src/trace/trace-event.ts";
import { createBaton } from "../../src/turn/create-baton.ts";
import { tempDir } from "../support/temp-dir.ts";

/** Process A's registry: the real file registry, with a hook that runs after a read returns. */
class RacedRegistry implements HealthRegistry {
  readonly recorded: HealthEvent[] = [];
  afterNextRead: (() => Promise<void>) | undefined;
  readonly inner: FileHealthRegistry;
  constructor(inner: FileHealthRegistry) {
    this.inner = inner;
  }
  async read(keys: Parameters<HealthRegistry["read"]>[0]) {
    const snapshot = await this.inner.read(keys);
    const hook = this.afterNextRead;
    this.afterNextRead = undefined;
    await hook?.();
    return snapshot;
  }
  record(events: readonly HealthEvent[]) {
    this.recorded.push(...events);
    return this.inner.record(events);
  }
  claimProbe(...args: Parameters<HealthRegistry["claimProbe"]>) {
    return this.inner.claimProbe(...args);
  }
}

let simulator: Simulator;
let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  simulator = await startSimulator({
    scenario: {
      faults: [
        {
          match: { provider: "openai", model: "gpt-5.5" },
          fault: { kind: "http-error", error: "openai.server_error_500" },
        },
      ],
    },
  });
  dir = await tempDir("breaker-superseded");
});
afterEach(async () => {
  await simulator.close();
  await dir.remove();
});

describe("a breaker opening another process's success superseded", () => {
  it("is traced as closed again, and the model is tried on the next turn", async () => {
    const healthFile = join(dir.path, "health.json");
    const processA = new RacedRegistry(new FileHealthRegistry({ path: healthFile }));
    const processB = new FileHealthRegistry({ path: healthFile });
    const baton = await createBaton({
      cwd: dir.path,
      env: { OPENAI_KEY: "sk-test-openai-0001", DEEPSEEK_KEY: "sk-test-deepseek-0001" },
      health: processA,
      config: {
        providers: {
          openai: {
            api: "openai-chat",
            baseUrl: simulator.baseUrl("openai", "openai-chat"),
            credentials: [{ id: "main", apiKeyEnv: "OPENAI_KEY" }],
          },
          deepseek: {
            api: "openai-chat",
            baseUrl: simulator.baseUrl("deepseek", "openai-chat"),
            credentials: [{ id: "main", apiKeyEnv: "DEEPSEEK_KEY" }],
          },
        },
        chains: { default: ["openai/gpt-5.5", "deepseek/deepseek-v4-pro"] },
        policy: { maxRetriesPerTarget: 0, breaker: { threshold: 2, providerThreshold: 10 } },
      },
    });
    const turn = async (onFailure?: () => void): Promise<TraceEvent[]> => {
      const events: TraceEvent[] = [];
      const result = await baton.run({
        message: "hello",
        onEvent: (event) => {
          events.push(event as TraceEvent);
          if (event.type === "attempt-failed") onFailure?.();
        },
      }).result;
      expect(result.served.provider).toBe("deepseek");
      return events;
    };

    // Turn 1: gpt-5.5 fails once (count 1 in the shared file); DeepSeek answers.
    await turn();
    const counted = processA.recorded.find((event) => event.type === "failure-counted");
    expect(counted).toBeDefined();
    const key = (counted as HealthEvent).key;

    // Turn 2: gpt-5.5 fails again; right after A reads the state (count 1), B's success lands.
    const second = await turn(() => {
      processA.afterNextRead = async () => {
        await processB.record([{ type: "success", key, at: Date.now() }]);
      };
    });
    const breakerEvents = second.filter(
      (event) => event.type === "breaker-opened" || event.type === "breaker-closed",
    );
    expect(breakerEvents.map((event) => [event.type, event.key.label])).toEqual([
      ["breaker-opened", breakerEvents[0]?.key.label],
      ["breaker-closed", breakerEvents[0]?.key.label],
    ]);
    expect(breakerEvents[1]).toMatchObject({ superseded: true });
    expect((await processB.read([key])).get(healthKeyId(key))?.breaker).toBe("closed");

    // Turn 3: A acts as its trace said: gpt-5.5 is tried again (and now really opens).
    const openaiBefore = simulator.log().filter((entry) => entry.provider === "openai").length;
    const third = await turn();
    expect(simulator.log().filter((entry) => entry.provider === "openai")).toHaveLength(openaiBefore + 1);
    expect(third.filter((event) => event.type === "breaker-opened")).toHaveLength(1);
    expect(third.filter((event) => event.type === "breaker-closed")).toHaveLength(0);
    expect((await processB.read([key])).get(healthKeyId(key))?.breaker).toBe("open");
  });
});
