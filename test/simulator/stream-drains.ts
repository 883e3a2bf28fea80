// Reads one streamed answer through the official client of each wire protocol and reports
// what a caller would see: the text that arrived, whether the provider's own end-of-answer
// event arrived, and what the client raised. Used by the stream-fault tests.
import type { WireProtocol } from "../../src/providers/wire-protocol.ts";
import type { Simulator } from "../../src/simulator/index.ts";
import { anthropicClient, geminiClient, openAiClient, user } from "./support.ts";

export interface Drained {
  readonly text: string;
  /** The protocol's end-of-answer event arrived (finish_reason, response.completed, message_stop, finishReason). */
  readonly finished: boolean;
  readonly error?: unknown;
}

type Drain = (
  simulator: Simulator,
  model: string,
  signal?: AbortSignal,
  onEvent?: () => void,
) => Promise<Drained>;

async function collect(run: (state: { text: string; finished: boolean }) => Promise<void>): Promise<Drained> {
  const state = { text: "", finished: false };
  try {
    await run(state);
    return { ...state };
  } catch (error) {
    return { ...state, error };
  }
}

export const drains: Readonly<Record<WireProtocol, Drain>> = {
  "openai-chat": (simulator, model, signal, onEvent) =>
    collect(async (state) => {
      const stream = await openAiClient(simulator).chat.completions.create(
        { model, messages: [user("Hello")], stream: true },
        signal === undefined ? {} : { signal },
      );
      for await (const chunk of stream) {
        onEvent?.();
        state.text += chunk.choices[0]?.delta.content ?? "";
        if (chunk.choices[0]?.finish_reason) state.finished = true;
      }
    }),
  "openai-responses": (simulator, model, signal, onEvent) =>
    collect(async (state) => {
      const stream = await openAiClient(simulator).responses.create(
        { model, input: "Hello", stream: true },
        signal === undefined ? {} : { signal },
      );
      for await (const event of stream) {
        onEvent?.();
        if (event.type === "response.output_text.delta") state.text += event.delta;
        if (event.type === "response.completed") state.finished = true;
      }
    }),
  "anthropic-messages": (simulator, model, signal, onEvent) =>
    collect(async (state) => {
      const stream = await anthropicClient(simulator).messages.create(
        { model, max_tokens: 1024, messages: [user("Hello")], stream: true },
        signal === undefined ? {} : { signal },
      );
      for await (const event of stream) {
        onEvent?.();
        if (event.type === "content_block_delta" && event.delta.type === "text_delta")
          state.text += event.delta.text;
        if (event.type === "message_stop") state.finished = true;
      }
    }),
  "google-gemini": (simulator, model, signal, onEvent) =>
    collect(async (state) => {
      const stream = await geminiClient(simulator).models.generateContentStream({
        model,
        contents: "Hello",
        ...(signal === undefined ? {} : { config: { abortSignal: signal } }),
      });
      for await (const chunk of stream) {
        onEvent?.();
        state.text += chunk.text ?? "";
        if (chunk.candidates?.[0]?.finishReason) state.finished = true;
      }
    }),
};

export const protocols = Object.keys(drains) as WireProtocol[];
