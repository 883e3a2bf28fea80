// Rewrites docs/real-world-corpus.md from the case files (see corpus-doc.ts).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderCorpusDoc } from "./corpus-doc.ts";
import { loadCases } from "./load-cases.ts";

const target = join(import.meta.dirname, "..", "..", "docs", "real-world-corpus.md");
writeFileSync(target, renderCorpusDoc(loadCases()));
process.stdout.write(`wrote ${target}\n`);
