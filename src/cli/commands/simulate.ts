// `baton simulate`: runs the fault-injecting provider simulator on loopback until SIGINT or
// SIGTERM, prints the bound address and the base URL of each provider, and one line per
// request it handles. `--help` is the scenario format reference in brief (docs/simulator.md
// has the full one).
import { resolve } from "node:path";
import { z } from "zod";
import type { WireProtocol } from "../../providers/wire-protocol.ts";
import { errorAliases, errorCatalogue } from "../../simulator/error-catalogue.ts";
import {
  isLoopbackHost,
  loadScenarioFile,
  type Scenario,
  ScenarioError,
  type SimulatorLogEntry,
  scenarioSchema,
  startSimulator,
} from "../../simulator/index.ts";
import { type Command, type CommandIo, UsageError } from "../command.ts";
import { parseCommandArgs, parseInteger } from "../command-args.ts";
import { ExitCode } from "../exit-codes.ts";

interface SimulateOptions {
  scenarioPath?: string;
  port: number;
  host: string;
  allowNonLoopback: boolean;
  quiet: boolean;
  schema: boolean;
}

function parseSimulateArgs(args: readonly string[]): SimulateOptions {
  const { values } = parseCommandArgs({
    args: [...args],
    options: {
      scenario: { type: "string" },
      port: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      "allow-non-loopback": { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      schema: { type: "boolean", default: false },
    },
  });
  const options: SimulateOptions = {
    ...(values.scenario === undefined ? {} : { scenarioPath: values.scenario }),
    port: values.port === undefined ? 0 : parseInteger("--port", values.port, 0, 65_535),
    host: values.host,
    allowNonLoopback: values["allow-non-loopback"],
    quiet: values.quiet,
    schema: values.schema,
  };
  if (!isLoopbackHost(options.host) && !options.allowNonLoopback) {
    throw new UsageError(
      `refusing to listen on ${options.host}: the simulator is for loopback; add --allow-non-loopback if you really mean it`,
    );
  }
  return options;
}

/** Providers the scenario names, with the protocol it declares for them when it does. */
function namedProviders(scenario: Scenario): Map<string, WireProtocol | undefined> {
  const providers = new Map<string, WireProtocol | undefined>();
  for (const [name, info] of Object.entries(scenario.providers ?? {})) providers.set(name, info.api);
  for (const rule of scenario.faults ?? []) {
    for (const name of rule.match?.provider === undefined ? [] : [rule.match.provider].flat()) {
      if (!providers.has(name)) providers.set(name, undefined);
    }
  }
  for (const key of Object.keys(scenario.models ?? {})) {
    const slash = key.indexOf("/");
    if (slash > 0 && !providers.has(key.slice(0, slash))) providers.set(key.slice(0, slash), undefined);
  }
  return providers;
}

function describeEntry(entry: SimulatorLogEntry): string {
  const status = entry.status === undefined ? "" : ` (${entry.status})`;
  const name = entry.faultName === undefined ? "" : ` [${entry.faultName}]`;
  const model = entry.model === "" ? "(models)" : entry.model;
  return `+${entry.atMs}ms ${entry.provider} ${entry.api} ${model} call ${entry.call} key ${entry.keyHash}${entry.stream ? " stream" : ""}: ${entry.outcome}${status}${name}\n`;
}

function banner(url: string, scenarioPath: string | undefined, scenario: Scenario): string {
  const lines = [`baton simulate: listening on ${url}`];
  lines.push(
    scenarioPath === undefined
      ? "scenario: (none: every model answers healthily)"
      : `scenario: ${scenarioPath}`,
  );
  if (scenario.description !== undefined) lines.push(`  ${scenario.description}`);
  lines.push(`faults: ${(scenario.faults ?? []).length}`);
  const providers = namedProviders(scenario);
  if (providers.size > 0) {
    lines.push("providers named by the scenario (any first path segment works):");
    const width = Math.max(...[...providers.keys()].map((name) => name.length));
    for (const [name, api] of providers) {
      const version = api === "google-gemini" ? "v1beta" : "v1";
      lines.push(`  ${name.padEnd(width)}  ${(api ?? "any protocol").padEnd(18)}  ${url}/${name}/${version}`);
    }
  }
  lines.push(
    "base URLs (AI SDK baseURL; the official Anthropic SDK and @google/genai take the part before /v1 or /v1beta):",
    `  OpenAI Chat Completions   POST ${url}/<provider>/v1/chat/completions`,
    `  OpenAI Responses          POST ${url}/<provider>/v1/responses`,
    `  Anthropic Messages        POST ${url}/<provider>/v1/messages`,
    `  Google Gemini             POST ${url}/<provider>/v1beta/models/<model>:generateContent | :streamGenerateContent?alt=sse`,
    `control: GET ${url}/__baton/log   POST ${url}/__baton/reset   GET|PUT ${url}/__baton/scenario`,
    "Ctrl-C stops.",
    "",
  );
  return lines.join("\n");
}

function helpText(): string {
  const width = Math.max(...[...errorCatalogue.keys()].map((id) => id.length));
  const catalogue = [...errorCatalogue.values()].map(
    (entry) => `  ${entry.id.padEnd(width)}  ${String(entry.status)}  ${entry.summary}`,
  );
  const aliases = Object.entries(errorAliases).map(
    ([alias, ids]) => `  ${alias.padEnd(20)} -> ${ids.openai} | ${ids.anthropic} | ${ids.gemini}`,
  );
  return `Usage: baton simulate [--scenario FILE] [--port N] [--host 127.0.0.1] [--quiet]

Runs a fake provider server on loopback that speaks the OpenAI Chat Completions, OpenAI
Responses, Anthropic Messages and Google Gemini wire protocols, and misbehaves on purpose
as the scenario says. Prints the bound address, then one line per request. Runs until Ctrl-C.

Options:
  --scenario FILE        scenario JSON (default: healthy, no faults)
  --port N               port to listen on; 0 (default) picks a free one
  --host H               address to listen on (default 127.0.0.1); loopback only unless
  --allow-non-loopback   is given as well
  --quiet                do not print a line per request
  --schema               print the scenario JSON Schema and exit

Routes: the first path segment names the provider, any name you like:
  POST /<provider>/v1/chat/completions      OpenAI Chat Completions (stream, include_usage, tools)
  POST /<provider>/v1/responses             OpenAI Responses (typed SSE events)
  POST /<provider>/v1/messages              Anthropic Messages (thinking, tool_use)
  POST /<provider>/v1beta/models/M:generateContent, :streamGenerateContent?alt=sse   Gemini
  GET  /<provider>/v1/models, /<provider>/v1beta/models
  GET  /__baton/log   POST /__baton/reset   GET|PUT /__baton/scenario

Replies are deterministic: the canonical text ("Baton simulator reply: the quick brown fox
...") or, with "echo": true, the last user message; streamed one word per event. When the
request offers tools and no tool result follows the last user message, the model calls a
tool (the first offered, with {} as arguments, unless reply.toolCall says otherwise).

Scenario format (JSON; docs/simulator.md has the full reference):
  {
    "description": "free text",
    "providers": { "openai": { "api": "openai-chat" } },        // documentation only
    "reply": { "text": "...", "echo": false, "firstTokenDelayMs": 0, "tokenDelayMs": 0,
               "toolCall": { "name": "lookup", "arguments": {} } | false,
               "thinkingText": "...", "contextTokens": 128000 },
    "models": { "gpt-slow": { "tokenDelayMs": 200 }, "deepseek/deepseek-chat": { "echo": true } },
    "requireApiKey": true,
    "faults": [                                                   // first match wins
      { "name": "quota", "match": { "provider": "openai", "api": "openai-chat", "model": "gpt-4o",
          "apiKey": "sk-1", "stream": true, "calls": { "from": 1, "to": 3 },
          "window": { "fromMs": 0, "untilMs": 60000 } },
        "fault": { "kind": "http-error", "error": "openai.usage_limit_reached", "resetInMs": 3600000 } }
    ]
  }
  match fields are all optional, each may be a list; calls count per provider+model from 1;
  window is ms since the simulator started (or POST /__baton/reset).

Fault kinds:
  http-error          {"error": ID|ALIAS, "resetInMs"?}  status, headers and body from the catalogue;
                      resets default to the end of the match window
  reset-before-headers                                   TCP reset, no response
  never-answer                                           accept, read, never reply
  slow-first-token    {"delayMs": N}                     headers at once, first token after N ms
  stall-after         {"tokens": N}                      N tokens, then silence (connection open)
  cut-after           {"tokens": N, "connection"?: "end"|"close"|"reset"}  N tokens, no terminator
  malformed-event     {"at": N}                          a corrupt copy of event N is inserted before it
  missing-terminator                                     no [DONE] / message_stop / response.completed
  stream-error        {"afterTokens": N, "error": ID|ALIAS, "responsesEvent"?: "error"|"response.failed"|"both"}
  reject-prefill      {"error"?: ID|ALIAS}               400 when the last message is an assistant prefill

Error aliases (resolved by the route's protocol):
${aliases.join("\n")}

Error catalogue:
${catalogue.join("\n")}

Example:
  baton simulate --scenario examples/scenarios/quota.json --port 0
`;
}

async function run(args: string[], io: CommandIo): Promise<number> {
  const options = parseSimulateArgs(args);
  if (options.schema) {
    io.stdout.write(`${JSON.stringify(z.toJSONSchema(scenarioSchema, { io: "input" }), null, 2)}\n`);
    return ExitCode.ok;
  }
  let scenario: Scenario = {};
  if (options.scenarioPath !== undefined) {
    try {
      scenario = await loadScenarioFile(resolve(io.cwd, options.scenarioPath), {
        name: options.scenarioPath,
      });
    } catch (error) {
      if (error instanceof ScenarioError) {
        io.stderr.write(`baton simulate: ${error.message}\n`);
        return ExitCode.usage;
      }
      throw error;
    }
  }
  const simulator = await startSimulator({
    scenario,
    port: options.port,
    host: options.host,
    allowNonLoopback: options.allowNonLoopback,
    ...(options.quiet
      ? {}
      : { onRequest: (entry: SimulatorLogEntry) => io.stdout.write(describeEntry(entry)) }),
  });
  io.stdout.write(banner(simulator.url, options.scenarioPath, scenario));
  if (!io.signal.aborted) {
    await new Promise<void>((done) => io.signal.addEventListener("abort", () => done(), { once: true }));
  }
  await simulator.close();
  io.stdout.write("baton simulate: stopped\n");
  return ExitCode.ok;
}

export const simulateCommand: Command = {
  name: "simulate",
  summary: "Run the fault-injecting provider simulator on loopback",
  help: helpText(),
  run,
};
