// Runs one turn: takes the session's lease, builds the context, runs model steps through the
// failover engine, executes tool calls (each at most once; tools offered with `toolDefinitions`
// are the caller's to execute and end the turn instead), appends everything through the store,
// writes the turn's end, releases. It contains no policy of its own: failover decides
// about providers, the store integrates other writers, this module only composes them.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { classify } from "../failover/classify.ts";
import { runWithFailover } from "../failover/engine.ts";
import { FailoverError } from "../failover/failover-error.ts";
import type { AttemptReport, FailoverResult } from "../failover/failover-result.ts";
import type { ConversationMessage } from "../providers/conversation.ts";
import type { Usage } from "../providers/model-stream.ts";
import { contextMessages } from "../session/live-context.ts";
import type { MessageDraft } from "../session/session-entry.ts";
import type { AppendResult, SessionHandle, SessionTurn } from "../session/session-store.ts";
import { appendTraceLines, isTraceWorthy, type TraceLine, traceFormatVersion } from "../trace/trace-file.ts";
import { chainSummariser } from "./chain-summariser.ts";
import { EventChannel } from "./event-channel.ts";
import { toTurnError } from "./to-turn-error.ts";
import { executeToolCall, toolDefinitions } from "./tool.ts";
import { TurnError } from "./turn-error.ts";
import type { TurnEvent } from "./turn-event.ts";
import type { ExecutedToolCall, TurnOptions, TurnParts, TurnResult, TurnRun } from "./turn-types.ts";

const defaultMaxSteps = 16;
/** Compactions a turn may run to get past a context overflow before it gives up. */
const maxCompactions = 2;

class TurnExecution {
  readonly turnId = randomUUID();
  readonly channel = new EventChannel<TurnEvent>();
  readonly #parts: TurnParts;
  readonly #options: TurnOptions;
  readonly #attempts: AttemptReport[] = [];
  readonly #trace: TraceLine[] = [];
  readonly #executed = new Map<string, ExecutedToolCall>();
  #session: SessionHandle | undefined;
  #turn: SessionTurn | undefined;
  #conversation: ConversationMessage[] = [];

  constructor(parts: TurnParts, options: TurnOptions) {
    this.#parts = parts;
    this.#options = options;
  }

  #chain(): ReturnType<TurnParts["runtime"]["chain"]> {
    const { candidates, chain } = this.#options;
    return candidates === undefined
      ? this.#parts.runtime.chain(chain)
      : this.#parts.runtime.chainOf(candidates);
  }

  #now(): number {
    return this.#parts.clock?.now() ?? Date.now();
  }

  emit = (event: TurnEvent): void => {
    if (isTraceWorthy(event)) this.#trace.push({ turnId: this.turnId, v: traceFormatVersion, ...event });
    this.channel.push(event);
    this.#options.onEvent?.(event);
  };

  async run(): Promise<TurnResult> {
    const { sessionId, message, toolResults = [] } = this.#options;
    if (message === undefined ? toolResults.length === 0 : message.trim() === "") {
      throw new TurnError(
        message === undefined
          ? "nothing to answer: give a message or tool results"
          : "the message is empty: say what the model should do",
        { kind: "request", reason: "invalid_request", scope: "request" },
      );
    }
    this.emit({
      type: "turn-started",
      at: this.#now(),
      turnId: this.turnId,
      ...(sessionId === undefined ? {} : { sessionId }),
    });
    try {
      const result = await this.#runSteps();
      await this.#turn?.end("completed");
      return result;
    } catch (error) {
      const turnError = toTurnError(error, this.#attempts, this.#options.signal);
      await this.#endFailed(turnError);
      throw turnError;
    } finally {
      await this.#writeTrace();
      await this.#session?.close().catch(() => {});
      this.channel.close();
    }
  }

  async #runSteps(): Promise<TurnResult> {
    // A chain that cannot be used (unknown name, no key set) fails before the session is touched.
    this.#chain();
    await this.#open();
    const { message, toolResults = [] } = this.#options;
    const inputs: ConversationMessage[] = [...toolResults];
    if (message !== undefined) inputs.push({ role: "user", content: message });
    for (const input of inputs) {
      await this.#record({ type: "message", message: input });
    }
    const usage = { inputTokens: 0, outputTokens: 0 };
    const maxSteps = this.#options.maxSteps ?? defaultMaxSteps;
    for (let step = 1; ; step += 1) {
      this.emit({ type: "step-started", at: this.#now(), step });
      const answer = await this.#runStep();
      addUsage(usage, answer.usage);
      const assistant: ConversationMessage = {
        role: "assistant",
        content: answer.content,
        origin: { provider: answer.served.provider, api: answer.served.api, model: answer.served.model },
      };
      await this.#record({
        type: "message",
        message: assistant,
        provider: answer.served.provider,
        model: answer.served.model,
        credentialId: answer.served.credentialId,
        usage: answer.usage,
        finishReason: answer.finishReason,
      });
      // With caller-executed tools on offer, any call that is not to one of Baton's tools is the caller's.
      const own = new Set((this.#options.tools ?? []).map((tool) => tool.name));
      const pending =
        this.#options.toolDefinitions !== undefined &&
        answer.toolCalls.some((call) => !own.has(call.toolName));
      if (answer.toolCalls.length === 0 || pending || step >= maxSteps) {
        return {
          turnId: this.turnId,
          ...(this.#options.sessionId === undefined ? {} : { sessionId: this.#options.sessionId }),
          text: answer.text,
          served: answer.served,
          usage,
          finishReason: answer.finishReason,
          steps: step,
          attempts: [...this.#attempts],
          toolCalls: [...this.#executed.values()],
          content: answer.content,
          pendingToolCalls: pending ? answer.toolCalls : [],
        };
      }
      for (const call of answer.toolCalls) await this.#runTool(call);
    }
  }

  async #open(): Promise<void> {
    const { sessionId, history } = this.#options;
    if (sessionId === undefined) {
      this.#conversation = [...(history ?? [])];
      return;
    }
    const store = this.#parts.store;
    if (store === undefined) throw new Error("a session id was given but no session store is configured");
    this.#session = await store.open(sessionId, { create: true });
    this.#turn = await this.#session.beginTurn({
      turnId: this.turnId,
      ...(this.#options.signal === undefined ? {} : { signal: this.#options.signal }),
    });
    this.#conversation = contextMessages(await this.#session.refresh());
  }

  /**
   * Adds one message to the conversation, through the turn's lease when there is a session; other
   * writers' entries are integrated by the store. When they changed the context (a compaction
   * rewrite, another writer's message), the conversation is rebuilt from the session, which
   * already holds this message: it is then never added a second time.
   */
  async #record(draft: MessageDraft): Promise<void> {
    if (this.#turn === undefined || this.#session === undefined) {
      this.#conversation.push(draft.message);
      return;
    }
    const result: AppendResult = await this.#turn.append([draft]);
    if (result.integrated.length > 0 || result.rebased) {
      this.emit({
        type: "session-rebased",
        at: this.#now(),
        integrated: result.integrated.length,
        rewritten: result.rebased,
      });
    }
    if (result.contextChanged) this.#conversation = contextMessages(this.#session.context());
    else this.#conversation.push(draft.message);
  }

  #request(): ConversationMessage[] {
    const { system } = this.#options;
    return system === undefined
      ? this.#conversation
      : [{ role: "system", content: system }, ...this.#conversation];
  }

  /** One model step through the failover engine; compacts and retries on a context overflow. */
  async #runStep(): Promise<FailoverResult> {
    const tools = [...toolDefinitions(this.#options.tools ?? []), ...(this.#options.toolDefinitions ?? [])];
    for (let compactions = 0; ; compactions += 1) {
      try {
        const policy = { ...this.#parts.runtime.policy, ...this.#options.policy };
        // Held output is shown only once the attempt ended: it may be fetched whole.
        const whole = this.#options.wholeAnswer === true && policy.commitMode === "hold";
        const result = await runWithFailover({
          chain: this.#chain(),
          policy,
          health: this.#parts.health,
          caller: this.#parts.caller,
          classify,
          request: {
            messages: this.#request(),
            ...(tools.length === 0 ? {} : { tools }),
            ...(this.#options.maxOutputTokens === undefined
              ? {}
              : { maxOutputTokens: this.#options.maxOutputTokens }),
            ...(this.#options.sampling === undefined ? {} : { sampling: this.#options.sampling }),
            ...(this.#options.reasoning === undefined ? {} : { reasoning: this.#options.reasoning }),
            ...(this.#options.signal === undefined ? {} : { signal: this.#options.signal }),
            ...(whole ? { whole } : {}),
          },
          ...(this.#parts.clock === undefined ? {} : { clock: this.#parts.clock }),
          ...(this.#parts.random === undefined ? {} : { random: this.#parts.random }),
          ...(this.#options.signal === undefined ? {} : { signal: this.#options.signal }),
          onEvent: this.emit,
          turnId: this.turnId,
        });
        this.#attempts.push(...result.attempts);
        return result;
      } catch (error) {
        if (!FailoverError.isInstance(error)) throw error;
        if (!error.needsCompaction || this.#session === undefined || compactions >= maxCompactions) {
          throw toTurnError(error, this.#attempts, this.#options.signal);
        }
        this.#attempts.push(...error.attempts);
        await this.#compact(error.summary, promptChars(this.#request()));
      }
    }
  }

  async #compact(why: string, overflowedChars: number): Promise<void> {
    const session = this.#session as SessionHandle;
    this.emit({ type: "compaction-started", at: this.#now(), why });
    let result: Awaited<ReturnType<SessionHandle["compact"]>>;
    try {
      result = await session.compact(chainSummariser(this.#parts, this.#chain(), overflowedChars), {
        keepRecent: 2,
        ...(this.#options.signal === undefined ? {} : { signal: this.#options.signal }),
      });
    } catch (error) {
      const cause = toTurnError(error, this.#attempts, this.#options.signal);
      throw new TurnError(`${why}; compacting the session failed: ${cause.message.split("\n", 1)[0]}`, {
        kind: cause.kind,
        reason: "context_overflow",
        scope: "model",
        attempts: this.#attempts,
        cause: error,
      });
    }
    this.emit({ type: "compaction-finished", at: this.#now(), compacted: result.compacted });
    if (!result.compacted)
      throw new TurnError(why, {
        kind: "providers",
        reason: "context_overflow",
        scope: "model",
        attempts: this.#attempts,
      });
    this.#conversation = contextMessages(await session.refresh());
  }

  /** Executes one tool call, at most once per turn, and records its result before the next step. */
  async #runTool(call: { toolCallId: string; toolName: string; input: unknown }): Promise<void> {
    if (this.#executed.has(call.toolCallId)) return;
    const tools = this.#options.tools ?? [];
    this.emit({
      type: "tool-started",
      at: this.#now(),
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      input: call.input,
    });
    const signal = this.#options.signal ?? new AbortController().signal;
    const outcome = await executeToolCall(tools, call, signal);
    this.#executed.set(call.toolCallId, {
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      isError: outcome.isError,
    });
    this.emit({
      type: "tool-finished",
      at: this.#now(),
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      ...outcome,
    });
    const message: ConversationMessage = {
      role: "tool",
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      output: outcome.output,
      ...(outcome.isError ? { isError: true } : {}),
    };
    await this.#record({ type: "message", message });
  }

  async #endFailed(error: TurnError): Promise<void> {
    if (this.#turn === undefined) return;
    const outcome = error.kind === "aborted" ? "aborted" : "failed";
    try {
      await this.#turn.end(outcome, error.message.split("\n", 1)[0]);
    } catch {
      // Fenced or the file is gone: the lease is released either way.
      await this.#turn.release().catch(() => {});
    }
  }

  async #writeTrace(): Promise<void> {
    const { sessionId } = this.#options;
    const dir = this.#parts.traceDir;
    if (sessionId === undefined || dir === undefined) return;
    await appendTraceLines(join(dir, `${sessionId}.trace.jsonl`), this.#trace).catch(() => {});
  }
}

/** Characters of text in a request, the measure the summary budget is kept against. */
function promptChars(messages: readonly ConversationMessage[]): number {
  let total = 0;
  for (const message of messages) {
    if (message.role === "assistant") {
      for (const part of message.content)
        total += part.type === "tool-call" ? JSON.stringify(part.input).length : part.text.length;
    } else total += message.role === "tool" ? message.output.length : message.content.length;
  }
  return total;
}

function addUsage(total: { inputTokens: number; outputTokens: number }, usage: Usage): void {
  total.inputTokens += usage.inputTokens;
  total.outputTokens += usage.outputTokens;
}

/**
 * Runs one turn. Iterate `events` for live progress; await `result` for the answer.
 * @example
 * const run = runTurn(parts, { message: "hello", sessionId: "demo" });
 * for await (const event of run.events) if (event.type === "text-delta") process.stdout.write(event.text);
 * const result = await run.result;
 */
export function runTurn(parts: TurnParts, options: TurnOptions): TurnRun {
  const execution = new TurnExecution(parts, options);
  const result = execution.run();
  // The caller may only read `events`; an unobserved rejection must not crash the process.
  result.catch(() => {});
  return { turnId: execution.turnId, events: execution.channel, result };
}
