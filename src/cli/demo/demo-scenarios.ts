// The three rehearsals `baton demo` runs against the simulator, as data: the faults, the chain,
// the turns to run, and what must be true afterwards for the demo to call it a pass.
import type { Scenario } from "../../simulator/scenario-schema.ts";

export interface DemoScenario {
  readonly title: string;
  readonly story: string;
  readonly scenario: Scenario;
  readonly chain: readonly string[];
  readonly policy?: Record<string, unknown>;
  readonly turns: number;
  /** Pause between turns. */
  readonly pauseMs: number;
  /** Run a background writer process (notes every 50 ms, a compaction every second) during the turns. */
  readonly backgroundWriter: boolean;
  /** The provider that must answer every turn (or the last one, for `recovers`). */
  readonly expectServedBy: string;
  readonly expect: "all-primary" | "all-fallback" | "recovers";
}

export const demoScenarios: readonly DemoScenario[] = [
  {
    title: "session race",
    story:
      "Turns wait on a slow model while another process appends notes every 50 ms and compacts the session. " +
      "The turn writes on top of them; nothing is counted against any model.",
    scenario: { reply: { firstTokenDelayMs: 250, tokenDelayMs: 25 } },
    chain: ["openai/gpt-5.5", "anthropic/claude-sonnet-4-6"],
    turns: 5,
    pauseMs: 0,
    backgroundWriter: true,
    expectServedBy: "openai",
    expect: "all-primary",
  },
  {
    title: "provider-wide quota",
    story:
      "Every OpenAI request gets 429 usage_limit_reached. One request reaches OpenAI, the second OpenAI model is " +
      "skipped without a request, DeepSeek answers; the next turn sends nothing to OpenAI.",
    scenario: {
      faults: [
        {
          match: { provider: "openai" },
          fault: { kind: "http-error", error: "openai.usage_limit_reached", resetInMs: 3_600_000 },
        },
      ],
    },
    chain: ["openai/gpt-5.5", "openai/gpt-5.4-mini", "deepseek/deepseek-v4-pro"],
    turns: 2,
    pauseMs: 0,
    backgroundWriter: false,
    expectServedBy: "deepseek",
    expect: "all-fallback",
  },
  {
    title: "flaky provider",
    story:
      "anthropic/claude-sonnet-4-6 is overloaded (529) for its first 3 seconds. The fallback serves meanwhile, the " +
      "primary is probed once per cooldown, and traffic returns to it when it recovers.",
    scenario: {
      faults: [
        {
          match: { provider: "anthropic", model: "claude-sonnet-4-6", window: { untilMs: 3_000 } },
          fault: { kind: "http-error", error: "anthropic.overloaded_error" },
        },
      ],
    },
    chain: ["anthropic/claude-sonnet-4-6", "openai/gpt-5.5"],
    policy: { maxRetriesPerTarget: 0, breaker: { threshold: 1, baseMs: 1_000, capMs: 1_000 } },
    turns: 10,
    pauseMs: 450,
    backgroundWriter: false,
    expectServedBy: "anthropic",
    expect: "recovers",
  },
];
