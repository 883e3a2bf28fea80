// `baton simulate`: placeholder until the simulator lands.
import type { Command } from "../command.ts";

export const simulateCommand: Command = {
  name: "simulate",
  summary: "Run the fault-injecting provider simulator on loopback",
  help: "Usage: baton simulate [--scenario FILE] [--port N]",
  async run() {
    return 1;
  },
};
