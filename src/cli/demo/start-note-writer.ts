// Starts the note-writer (note-writer.ts beside this file) in a real child process and collects
// what it acknowledged; stop() ends it with SIGTERM and resolves once it has exited. Used by
// `baton demo` and the session-race tests.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./note-writer.ts", import.meta.url));

export interface NoteWriter {
  readonly notes: string[];
  readonly compactions: boolean[];
  stop(): Promise<void>;
}

export async function startNoteWriter(options: {
  dir: string;
  id: string;
  everyMs: number;
  compactEveryMs: number;
}): Promise<NoteWriter> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      script,
      "--dir",
      options.dir,
      "--id",
      options.id,
      "--every-ms",
      String(options.everyMs),
      "--compact-every-ms",
      String(options.compactEveryMs),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const notes: string[] = [];
  const compactions: boolean[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let buffer = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    for (let newline = buffer.indexOf("\n"); newline !== -1; newline = buffer.indexOf("\n")) {
      const line = JSON.parse(buffer.slice(0, newline)) as {
        ready?: boolean;
        note?: string;
        compacted?: boolean;
      };
      buffer = buffer.slice(newline + 1);
      if (line.ready === true) markReady();
      if (line.note !== undefined) notes.push(line.note);
      if (line.compacted !== undefined) compactions.push(line.compacted);
    }
  });
  await Promise.race([ready, exited]);
  return {
    notes,
    compactions,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
