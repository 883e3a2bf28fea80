import { describe, expect, it } from "vitest";
import { parseDuration, parseRetryHint } from "./retry-hint.ts";

const now = Date.parse("2026-11-21T12:00:00Z");

describe("parseDuration", () => {
  it.each([
    ["1s", 1000],
    ["6m0s", 360_000],
    ["20ms", 20],
    ["1h2m3.5s", 3_723_500],
    ["0.5s", 500],
    ["42", 42_000],
  ])("reads %s as %i ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it("rejects text that is not a duration", () => {
    expect(parseDuration("soon")).toBeUndefined();
    expect(parseDuration("5 parsecs")).toBeUndefined();
  });
});

describe("parseRetryHint", () => {
  it("prefers retry-after-ms over retry-after", () => {
    const hint = parseRetryHint({ "retry-after-ms": "1500", "retry-after": "2" }, undefined, now);
    expect(hint).toEqual({ retryAfterMs: 1500, resetAt: now + 1500, source: "retry-after-ms" });
  });

  it("reads retry-after as seconds and as an HTTP date", () => {
    expect(parseRetryHint({ "retry-after": "1" }, undefined, now)?.retryAfterMs).toBe(1000);
    const date = new Date(now + 30_000).toUTCString();
    expect(parseRetryHint({ "retry-after": date }, undefined, now)?.retryAfterMs).toBe(30_000);
  });

  it("uses the OpenAI reset of the dimension that ran out", () => {
    const hint = parseRetryHint(
      {
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": "2s",
        "x-ratelimit-remaining-tokens": "900",
        "x-ratelimit-reset-tokens": "6m0s",
      },
      undefined,
      now,
    );
    expect(hint).toMatchObject({ retryAfterMs: 2000, source: "x-ratelimit-reset" });
  });

  it("uses the Anthropic reset timestamp of the exhausted limit", () => {
    const hint = parseRetryHint(
      {
        "anthropic-ratelimit-requests-remaining": "0",
        "anthropic-ratelimit-requests-reset": new Date(now + 12_000).toISOString(),
        "anthropic-ratelimit-tokens-remaining": "5000",
        "anthropic-ratelimit-tokens-reset": new Date(now + 60_000).toISOString(),
      },
      undefined,
      now,
    );
    expect(hint).toMatchObject({ retryAfterMs: 12_000, source: "anthropic-ratelimit-reset" });
  });

  it("reads reset times from bodies: epoch seconds and relative seconds", () => {
    const epoch = parseRetryHint(undefined, { resetsAt: (now + 3_600_000) / 1000 }, now);
    expect(epoch).toMatchObject({
      retryAfterMs: 3_600_000,
      resetAt: now + 3_600_000,
      source: "body-reset-time",
    });
    const relative = parseRetryHint(undefined, { resetsAt: "in:90" }, now);
    expect(relative).toMatchObject({ retryAfterMs: 90_000 });
  });

  it("prefers the body's reset time for long windows when asked", () => {
    const headers = { "retry-after": "5" };
    const body = { resetsAt: (now + 7_200_000) / 1000 };
    expect(parseRetryHint(headers, body, now)?.retryAfterMs).toBe(5000);
    expect(parseRetryHint(headers, body, now, { preferBody: true })?.retryAfterMs).toBe(7_200_000);
  });

  it("reads Gemini RetryInfo.retryDelay", () => {
    const body = {
      details: [
        { "@type": "type.googleapis.com/google.rpc.Help" },
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "42s" },
      ],
    };
    expect(parseRetryHint({}, body, now)).toMatchObject({
      retryAfterMs: 42_000,
      source: "gemini-retry-info",
    });
  });

  it("gives no hint when the provider gave none", () => {
    expect(
      parseRetryHint({ "content-type": "application/json" }, { message: "slow down" }, now),
    ).toBeUndefined();
  });
});
