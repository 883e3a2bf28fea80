// One attempt as a whole answer: one `doGenerate` call (one non-streamed request, nothing
// retried underneath), its content turned into the same ModelStreamEvents a stream gives (text
// in one delta), and every way it can go wrong turned into one `failure` event with the same
// raw facts the streamed attempt keeps: an error status, a transport error, an abort, and a 2xx
// body that breaks, ends early or does not parse (whole-body.ts). Used only when
// attempt-mode.ts allows it: no per-attempt timer is in force.
import { APICallError, JSONParseError, type LanguageModelV4, TypeValidationError } from "@ai-sdk/provider";
import { AttemptControl } from "./attempt-control.ts";
import { type AttemptFacts, failureFrom, failureFromThrown } from "./attempt-failure.ts";
import { currentAttempt } from "./attempt-fetch.ts";
import type { ModelRequest, ModelStreamEvent, ModelTarget } from "./model-stream.ts";
import type { ProviderEndpoint } from "./provider-endpoint.ts";
import { sdkCallOptions } from "./sdk-call-options.ts";
import { describeWarnings, finishReasonOf, parseToolInput, signatureOf } from "./sdk-parts.ts";
import { wholeBodyProblem } from "./whole-body.ts";

type GenerateResult = Awaited<ReturnType<LanguageModelV4["doGenerate"]>>;

/** The failure of a thrown doGenerate: a 2xx whose body could not be read is a body problem. */
function failureOfGenerate(facts: AttemptFacts, error: unknown): ModelStreamEvent {
  const status = facts.observation.status;
  const answered = status !== undefined && status >= 200 && status < 300;
  if (answered && APICallError.isInstance(error) && !facts.control.signal.aborted) {
    const parseFailed = JSONParseError.isInstance(error.cause) || TypeValidationError.isInstance(error.cause);
    const problem = wholeBodyProblem(parseFailed ? (error.responseBody ?? "") : undefined);
    const cause = error.cause instanceof Error ? `: ${error.cause.message.split("\n", 1)[0]}` : "";
    return {
      type: "failure",
      failure: failureFrom(facts, {
        streamProblem: problem.streamProblem,
        ...(problem.body === undefined ? {} : { body: problem.body }),
        message:
          problem.streamProblem === "truncated"
            ? `answer body broke: ${error.message}${cause}`
            : problem.streamProblem === "malformed"
              ? `answer body is malformed: ${error.message}${cause}`
              : (problem.body?.message ?? error.message),
      }),
    };
  }
  return { type: "failure", failure: failureFromThrown(facts, error) };
}

/** The events of a whole answer, in content order, ending with finish or failure. */
function eventsOf(facts: AttemptFacts, result: GenerateResult): ModelStreamEvent[] {
  const events: ModelStreamEvent[] = [];
  let sawToolCall = false;
  for (const part of result.content) {
    if (part.type === "text") {
      if (part.text === "") continue;
      events.push({ type: "text-delta", text: part.text });
    } else if (part.type === "reasoning") {
      const signature = signatureOf(part);
      if (part.text === "" && signature === undefined) continue;
      events.push({
        type: "reasoning-delta",
        text: part.text,
        ...(signature === undefined ? {} : { signature }),
      });
    } else if (part.type === "tool-call") {
      const input = parseToolInput(part.input);
      if (!input.ok) {
        return [
          {
            type: "failure",
            failure: failureFrom(facts, {
              streamProblem: "malformed",
              message: `tool call ${part.toolName} has arguments that are not JSON`,
            }),
          },
        ];
      }
      const signature = signatureOf(part);
      sawToolCall = true;
      events.push({
        type: "tool-call",
        toolCallId: part.toolCallId,
        toolName: part.toolName,
        input: input.value,
        ...(signature === undefined ? {} : { signature }),
      });
    }
  }
  if (result.finishReason.unified === "interrupted") {
    return [
      {
        type: "failure",
        failure: failureFrom(facts, { streamProblem: "truncated", message: "the answer was interrupted" }),
      },
    ];
  }
  const warnings = describeWarnings(result.warnings);
  events.push({
    type: "finish",
    finishReason: finishReasonOf(result.finishReason, false, sawToolCall),
    usage: {
      inputTokens: result.usage.inputTokens.total ?? 0,
      outputTokens: result.usage.outputTokens.total ?? 0,
    },
    ...(warnings.length === 0 ? {} : { warnings }),
  });
  return events;
}

export async function* generateAttempt(
  model: LanguageModelV4,
  endpoint: ProviderEndpoint,
  target: ModelTarget,
  request: ModelRequest,
  key: string,
): AsyncGenerator<ModelStreamEvent> {
  const control = new AttemptControl(request.timers, request.signal);
  const facts: AttemptFacts = { target, observation: {}, control, key, outputReachedCaller: false };
  let completed = false;
  try {
    let result: GenerateResult;
    try {
      result = await currentAttempt.run(facts, () =>
        model.doGenerate(sdkCallOptions(endpoint, request, control.signal)),
      );
    } catch (error) {
      yield failureOfGenerate(facts, error);
      return;
    }
    completed = true;
    for (const event of eventsOf(facts, result)) {
      if (event.type === "text-delta" || event.type === "reasoning-delta" || event.type === "tool-call") {
        control.contentArrived();
        facts.outputReachedCaller = true;
      }
      yield event;
    }
  } finally {
    control.dispose(completed);
  }
}
