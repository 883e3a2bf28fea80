import { describe, expect, it } from "vitest";
import { matchRoute } from "./routes.ts";

describe("routes", () => {
  it("reads the provider from the first segment and the protocol from the rest", () => {
    expect(matchRoute("POST", "/deepseek/v1/chat/completions")).toEqual({
      kind: "generate",
      provider: "deepseek",
      api: "openai-chat",
    });
    expect(matchRoute("POST", "/openai/v1/responses")).toMatchObject({ api: "openai-responses" });
    expect(matchRoute("POST", "/anthropic/v1/messages")).toMatchObject({ api: "anthropic-messages" });
    expect(matchRoute("POST", "/google/v1beta/models/gemini-2.5-flash:streamGenerateContent")).toEqual({
      kind: "generate",
      provider: "google",
      api: "google-gemini",
      pathModel: "gemini-2.5-flash",
      pathStream: true,
    });
    expect(matchRoute("POST", "/v1/chat/completions")).toMatchObject({ provider: "default" });
  });

  it("tells model listings apart by the client's headers", () => {
    expect(matchRoute("GET", "/x/v1/models")).toMatchObject({ kind: "list-models", family: "openai" });
    expect(matchRoute("GET", "/x/v1/models", { "anthropic-version": "2023-06-01" })).toMatchObject({
      family: "anthropic",
    });
    expect(matchRoute("GET", "/x/v1/models", { "x-goog-api-key": "k" })).toMatchObject({ family: "gemini" });
    expect(matchRoute("GET", "/x/v1beta/models")).toMatchObject({ family: "gemini" });
    expect(matchRoute("GET", "/x/v1/models/gpt-4o")).toMatchObject({ kind: "get-model", model: "gpt-4o" });
  });

  it("routes control endpoints and refuses unknown paths", () => {
    expect(matchRoute("GET", "/__baton/log")).toEqual({ kind: "control", action: "log" });
    expect(matchRoute("POST", "/__baton/reset")).toEqual({ kind: "control", action: "reset" });
    expect(matchRoute("POST", "/openai/v1/embeddings").kind).toBe("unknown");
    expect(matchRoute("GET", "/openai/v1/chat/completions").kind).toBe("unknown");
  });
});
