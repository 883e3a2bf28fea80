#!/usr/bin/env node
// The `baton` executable: hands the command line to the CLI. Node >= 22.18 runs the
// TypeScript sources directly (type stripping), so there is no build step.
import { main } from "../src/cli/main.ts";

process.exitCode = await main(process.argv.slice(2));
