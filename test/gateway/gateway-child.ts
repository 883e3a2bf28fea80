// A gateway in its own process for the load test: `fork()` it with `--expose-gc` and the config
// file as its argument. It reports `{ type: "ready", url }` over IPC, answers `memory` with its
// memory usage after a full collection (and its in-flight count), and `stop` by draining.
import { startGateway } from "../../src/gateway/gateway-server.ts";
import { createBaton } from "../../src/turn/create-baton.ts";

const configFile = process.argv[2];
const token = process.env.BATON_GATEWAY_TOKEN;
if (configFile === undefined || token === undefined || process.send === undefined) {
  throw new Error(
    "usage: fork(gateway-child.ts, [configFile]) with BATON_GATEWAY_TOKEN set and an IPC channel",
  );
}
const send = process.send.bind(process);
const baton = await createBaton({ configFile });
const gateway = await startGateway({ baton, auth: { token }, port: 0 });
const collect = (globalThis as { gc?: () => void }).gc;

process.on("message", (message: { type: string }) => {
  if (message.type === "memory") {
    collect?.();
    collect?.();
    send({ type: "memory", usage: process.memoryUsage(), inFlight: gateway.app.inFlight.count });
  } else if (message.type === "stop") {
    void gateway.close({ drainMs: 1_000 }).then(() => process.exit(0));
  }
});
send({ type: "ready", url: gateway.url });
