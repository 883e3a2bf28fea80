// The server-sent events of an OpenAI chat completion stream: one `data:` line per payload, and
// the `chat.completion.chunk` events of one answer (its id, creation time and current model).
import type { TurnResult } from "../turn/turn-types.ts";
import { type OpenAiFinishReason, openAiUsage } from "./openai-shapes.ts";

export function sse(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

export class ChunkWriter {
  readonly #id: string;
  readonly #created: number;
  model: string;
  /** The serialized start of a chunk, up to its delta, for `#prefixModel`. */
  #prefix = "";
  #prefixModel: string | undefined;

  constructor(id: string, created: number, model: string) {
    this.#id = id;
    this.#created = created;
    this.model = model;
  }

  /**
   * One `chat.completion.chunk` event. The bytes are those of JSON.stringify on the whole chunk
   * (same keys, same order); only the delta and the finish reason are serialized per chunk.
   */
  delta(delta: Record<string, unknown>, finishReason: OpenAiFinishReason | null = null): string {
    if (this.#prefixModel !== this.model) {
      this.#prefixModel = this.model;
      const head = JSON.stringify({
        id: this.#id,
        object: "chat.completion.chunk",
        created: this.#created,
        model: this.model,
      });
      this.#prefix = `data: ${head.slice(0, -1)},"choices":[{"index":0,"delta":`;
    }
    return `${this.#prefix}${JSON.stringify(delta)},"logprobs":null,"finish_reason":${JSON.stringify(finishReason)}}]}\n\n`;
  }

  usage(result: TurnResult): string {
    return sse({
      id: this.#id,
      object: "chat.completion.chunk",
      created: this.#created,
      model: this.model,
      choices: [],
      usage: openAiUsage(result.usage),
    });
  }
}
