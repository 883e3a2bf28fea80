// The gateway app is a plain `Request -> Response` handler: no port, no server. Here it runs
// with auth off (allowed for an in-process app; the server glue allows it only on loopback).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayApp, type GatewayApp } from "../../src/gateway/gateway-app.ts";
import { startGateway } from "../../src/gateway/gateway-server.ts";
import { canonicalReplyText, type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { type Baton, createBaton } from "../../src/turn/create-baton.ts";
import { tempDir } from "../support/temp-dir.ts";
import { batonConfig } from "./harness.ts";

let simulator: Simulator;
let dir: { path: string; remove: () => Promise<void> };
let baton: Baton;
let app: GatewayApp;

beforeAll(async () => {
  simulator = await startSimulator();
  dir = await tempDir("gateway-app");
  baton = await createBaton({
    cwd: dir.path,
    env: {},
    config: batonConfig(simulator, { chains: { default: ["deepseek/deepseek-v4-pro"] } }),
  });
  app = createGatewayApp({ baton, auth: "off" });
});
afterAll(async () => {
  await simulator.close();
  await dir.remove();
});

describe("the gateway app in-process", () => {
  it("answers a chat completion from a Request", async () => {
    const response = await app.fetch(
      new Request("http://gateway.invalid/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "baton", messages: [{ role: "user", content: "hi" }] }),
      }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { model: string; choices: { message: { content: string } }[] };
    expect(body.model).toBe("deepseek/deepseek-v4-pro");
    expect(body.choices[0]?.message.content).toBe(canonicalReplyText);
  });

  it("streams server-sent events ending with [DONE]", async () => {
    const response = await app.fetch(
      new Request("http://gateway.invalid/v1/chat/completions", {
        method: "POST",
        body: JSON.stringify({ model: "baton", stream: true, messages: [{ role: "user", content: "hi" }] }),
      }),
    );
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await response.text();
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    const chunks = text
      .split("\n\n")
      .filter((event) => event.startsWith("data: {"))
      .map((event) => JSON.parse(event.slice(6)) as { choices: { delta: { content?: string } }[] });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(canonicalReplyText);
  });

  it("refuses to listen without auth anywhere but loopback", async () => {
    await expect(startGateway({ baton, auth: "off", host: "0.0.0.0", port: 0 })).rejects.toThrow(
      /refusing to serve without auth on 0\.0\.0\.0/,
    );
  });
});
