import { describe, expect, it } from "vitest";
import { endsBeforeJsonDoes, wholeBodyProblem } from "./whole-body.ts";

const answer = JSON.stringify({
  id: "chatcmpl-1",
  choices: [{ index: 0, message: { role: "assistant", content: "the quick brown fox" } }],
  usage: { prompt_tokens: 5, completion_tokens: 4 },
});

describe("a 2xx body the SDK could not read as an answer", () => {
  it("is truncated when it ends anywhere before its JSON does, or broke while being read", () => {
    for (let length = 0; length < answer.length; length += 1) {
      expect(endsBeforeJsonDoes(answer.slice(0, length)), answer.slice(0, length)).toBe(true);
      expect(wholeBodyProblem(answer.slice(0, length)).streamProblem).toBe("truncated");
    }
    expect(wholeBodyProblem(undefined).streamProblem).toBe("truncated");
  });

  it("is malformed when complete but not JSON, or JSON of the wrong shape", () => {
    expect(endsBeforeJsonDoes(answer)).toBe(false);
    expect(wholeBodyProblem(`${answer}x`).streamProblem).toBe("malformed");
    expect(wholeBodyProblem('{"a":1,}').streamProblem).toBe("malformed");
    expect(wholeBodyProblem("<html>bad gateway</html>").streamProblem).toBe("malformed");
    expect(wholeBodyProblem(JSON.stringify({ choices: "none" })).streamProblem).toBe("malformed");
  });

  it("is an error event, with its body, when it carries an error object", () => {
    const problem = wholeBodyProblem(
      JSON.stringify({ error: { type: "server_error", code: "server_is_overloaded", message: "busy" } }),
    );
    expect(problem.streamProblem).toBe("error-event");
    expect(problem.body).toMatchObject({ code: "server_is_overloaded", message: "busy" });
    expect(
      wholeBodyProblem(JSON.stringify({ type: "error", error: { type: "overloaded_error" } })),
    ).toMatchObject({
      streamProblem: "error-event",
      body: { type: "overloaded_error" },
    });
  });
});
