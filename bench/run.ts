// `npm run bench [-- name...]`: runs every bench/*.bench.ts (or the named ones), prints each
// table as Markdown and writes them all to bench/RESULTS.md with the machine, Node version
// and date.
import { readdir, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchTable, renderTable } from "./table.ts";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = (await readdir(here)).filter((file) => file.endsWith(".bench.ts")).sort();
const selected =
  wanted.length === 0 ? files : files.filter((file) => wanted.includes(basename(file, ".bench.ts")));
if (selected.length === 0) {
  console.error(
    `no benchmark matches ${wanted.join(", ")}; have: ${files.map((f) => basename(f, ".bench.ts")).join(", ")}`,
  );
  process.exit(2);
}

const machine = `${cpus().length} x ${cpus()[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
const sections: string[] = [
  "# Baton benchmark results",
  "",
  `- Date: ${new Date().toISOString()}`,
  `- Machine: ${machine}`,
  `- Node: ${process.version}`,
  "",
];
for (const file of selected) {
  console.error(`running ${file} ...`);
  const module = (await import(join(here, file))) as { run: () => Promise<BenchTable[]> };
  for (const table of await module.run()) {
    const text = renderTable(table);
    console.log(text);
    sections.push(text);
  }
}
if (wanted.length === 0) await writeFile(join(here, "RESULTS.md"), sections.join("\n"));
