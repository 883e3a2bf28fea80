// Baton as a library: one turn through a two-provider chain, against the simulator playing
// an OpenAI account whose plan quota is exhausted and a healthy DeepSeek.
// Run it: `npx node examples/library.ts`
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBaton, loadScenarioFile, startSimulator } from "../src/index.ts";

const workDir = await mkdtemp(join(tmpdir(), "baton-example-")); // sessions and health state go here

const simulator = await startSimulator({ scenario: await loadScenarioFile("examples/scenarios/quota.json") });
const baton = await createBaton({
  env: { OPENAI_API_KEY: "sk-demo-openai", DEEPSEEK_API_KEY: "sk-demo-deepseek" },
  cwd: workDir,
  config: {
    providers: {
      openai: {
        api: "openai-chat",
        baseUrl: simulator.baseUrl("openai", "openai-chat"),
        credentials: [{ id: "work", apiKeyEnv: "OPENAI_API_KEY" }],
      },
      deepseek: {
        api: "openai-chat",
        baseUrl: simulator.baseUrl("deepseek", "openai-chat"),
        credentials: [{ id: "main", apiKeyEnv: "DEEPSEEK_API_KEY" }],
      },
    },
    chains: { default: ["openai/gpt-5.5", "openai/gpt-5.4-mini", "deepseek/deepseek-v4-pro"] },
  },
});

const turn = baton.run({ message: "What does Baton do?" });
for await (const event of turn.events) {
  if (event.type === "text-delta") process.stdout.write(event.text);
  if (event.type === "candidate-skipped") console.error(`skipped ${event.target.model}: ${event.reason}`);
}
const result = await turn.result;
console.log(
  `\nanswered by ${result.served.provider}/${result.served.model} after ${result.attempts.length} attempts`,
);
await simulator.close();
await rm(workDir, { recursive: true, force: true });
