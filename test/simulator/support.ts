// Shared helpers for the simulator's network tests: the official clients pointed at a
// simulator (no SDK retries, so every request the test makes is one request the simulator
// sees), raw HTTP for what clients hide, and a watchdog that aborts a stream that goes quiet.
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import type { Simulator } from "../../src/simulator/index.ts";

export const openAiKey = "sk-test-simulator-0001";
export const anthropicKey = "sk-ant-test-simulator-0001";
export const geminiKey = "gemini-test-simulator-0001";

export function openAiClient(simulator: Simulator, provider = "openai", apiKey = openAiKey): OpenAI {
  return new OpenAI({
    apiKey,
    baseURL: simulator.baseUrl(provider, "openai-chat"),
    maxRetries: 0,
    timeout: 20_000,
  });
}

export function anthropicClient(
  simulator: Simulator,
  provider = "anthropic",
  apiKey = anthropicKey,
): Anthropic {
  return new Anthropic({ apiKey, baseURL: simulator.providerUrl(provider), maxRetries: 0, timeout: 20_000 });
}

export function geminiClient(simulator: Simulator, provider = "google", apiKey = geminiKey): GoogleGenAI {
  return new GoogleGenAI({ apiKey, httpOptions: { baseUrl: simulator.providerUrl(provider) } });
}

export const user = (content: string) => ({ role: "user" as const, content });

/** Raw POST: status, headers and the body text exactly as sent. */
export async function rawPost(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The `data:` payloads of an SSE body, in order. */
export function sseData(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => line.slice("data: ".length));
}

/**
 * An AbortController that fires when `poke()` has not been called for `idleMs`: a client-side
 * idle timer, the way an adapter notices a stalled stream.
 */
export function idleWatchdog(idleMs: number): { signal: AbortSignal; poke: () => void; stop: () => void } {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), idleMs);
  return {
    signal: controller.signal,
    poke: () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), idleMs);
    },
    stop: () => clearTimeout(timer),
  };
}

/** Rejects with what the promise threw, or fails when it resolves. */
export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** Waits until the simulator has logged `count` requests (the log is written as requests arrive). */
export async function waitForLog(simulator: Simulator, count: number): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    if (simulator.log().length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the simulator logged ${simulator.log().length} requests, expected ${count}`);
}
