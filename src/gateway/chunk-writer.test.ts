import { describe, expect, it } from "vitest";
import { ChunkWriter } from "./chunk-writer.ts";

/** What a chunk event was before the serialized prefix: JSON.stringify of the whole chunk. */
function plain(id: string, created: number, model: string, delta: object, finish: string | null): string {
  const chunk = {
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

describe("ChunkWriter", () => {
  it("writes the bytes JSON.stringify writes for the whole chunk, as the model changes", () => {
    const writer = new ChunkWriter('chatcmpl-"x"\u2028', 1_700_000_000, "openai/gpt-5.5");
    const deltas = [
      { role: "assistant", content: "" },
      { content: 'quote " backslash \\ newline \n emoji 🦊 \u2028' },
      { tool_calls: [{ index: 0, id: "call_1", function: { name: "f", arguments: "{}" } }] },
    ];
    for (const model of ["openai/gpt-5.5", 'odd/"model"\\', "deepseek/deepseek-v4-pro"]) {
      writer.model = model;
      for (const delta of deltas) {
        expect(writer.delta(delta)).toBe(plain('chatcmpl-"x"\u2028', 1_700_000_000, model, delta, null));
      }
      expect(writer.delta({}, "tool_calls")).toBe(
        plain('chatcmpl-"x"\u2028', 1_700_000_000, model, {}, "tool_calls"),
      );
      const parsed: unknown = JSON.parse(writer.delta({ content: "a" }).slice("data: ".length));
      expect(parsed).toMatchObject({ model, choices: [{ delta: { content: "a" } }] });
    }
  });
});
