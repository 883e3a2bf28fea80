// Renders docs/real-world-corpus.md from the case files: per provider, every recorded shape,
// what Baton must make of it and where it came from. corpus-doc.test.ts keeps the checked-in
// document equal to this rendering; `node test/real-world/write-corpus-doc.ts` rewrites it.
import type { Expectation } from "./case-schema.ts";
import type { LoadedCase } from "./load-cases.ts";

function bodyText(entry: LoadedCase): string {
  const body = entry.response.body;
  return typeof body === "string" ? body : body.map((segment) => segment.text).join("");
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === "string" && value !== "");
}

/** A one-line summary of an error body: its type/code/status and the start of its message. */
function errorSummary(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.trim());
  } catch {
    return text.trim().startsWith("<") ? "HTML page" : `text: ${text.trim().slice(0, 60)}`;
  }
  const root = (Array.isArray(parsed) ? parsed[0] : parsed) as Record<string, unknown> | string | undefined;
  if (typeof root === "string") return `JSON string: ${root.slice(0, 70)}`;
  const error = (typeof root?.error === "object" && root.error !== null ? root.error : root) as Record<
    string,
    unknown
  >;
  const label = firstString(
    error.type,
    error.status,
    error.code === undefined ? undefined : String(error.code),
  );
  const message = firstString(
    error.message,
    root?.message,
    typeof root?.error === "string" ? root.error : "",
  );
  return [
    label,
    message === undefined ? undefined : `"${message.slice(0, 70)}${message.length > 70 ? "…" : ""}"`,
  ]
    .filter((part) => part !== undefined)
    .join(" ");
}

function shape(entry: LoadedCase): string {
  const text = bodyText(entry);
  if (entry.kind === "http-error") return `${entry.response.status} ${errorSummary(text)}`;
  const ending = entry.response.ending === "clean" ? "" : `, ends with a ${entry.response.ending}`;
  const comments = /^:/m.test(text) ? ", SSE comments" : "";
  return `${entry.kind} stream${comments}${ending}`;
}

function expected(expectation: Expectation): string {
  if (expectation.reason === "answered") return "answered (full text)";
  const wait =
    expectation.wait.kind === "after"
      ? `, wait ${Math.round(expectation.wait.ms / 1000)} s`
      : expectation.wait.kind === "until"
        ? `, cool until ${expectation.wait.at}`
        : expectation.wait.kind === "policy-default"
          ? ", hint ignored (policy default)"
          : "";
  return `${expectation.reason} / ${expectation.scope}${wait}`;
}

const tableCell = (text: string): string => text.replaceAll("|", "\\|").replaceAll("\n", " ");

export function renderCorpusDoc(cases: readonly LoadedCase[]): string {
  const providers = [...new Set(cases.map((entry) => entry.provider))].sort();
  const kinds = [...new Set(cases.map((entry) => entry.kind))].sort();
  const lines: string[] = [
    "# Real-world corpus",
    "",
    "<!-- Generated from test/real-world/cases by test/real-world/write-corpus-doc.ts; do not edit by hand. -->",
    "",
    "Recorded responses of real providers, replayed by `test/real-world/replay.test.ts` through",
    "Baton's real adapters (see `test/real-world/README.md`). Bodies come from public issue threads",
    "where users pasted them and from the AI SDK's recorded stream fixtures; each case names its",
    "source and says what was added to it (SSE framing, an envelope from a sibling report, a cut).",
    "Expectations follow the design contract and the provider's documentation, not Baton's",
    "current behaviour; `test/real-world/known-failures.json` lists where Baton still differs.",
    "",
    `${cases.length} cases from ${providers.length} providers or backends.`,
    "",
    "| kind | cases |",
    "| --- | --- |",
    ...kinds.map((kind) => `| ${kind} | ${cases.filter((entry) => entry.kind === kind).length} |`),
    "",
  ];
  for (const provider of providers) {
    const own = cases.filter((entry) => entry.provider === provider);
    const presets = [
      ...new Set(
        own.map((entry) => `${entry.api}${entry.preset === null ? "" : ` (preset ${entry.preset})`}`),
      ),
    ];
    lines.push(`## ${provider}`, "", `Protocol: ${presets.join(", ")}. ${own.length} cases.`, "");
    lines.push("| case | shape | Baton must report | source |", "| --- | --- | --- | --- |");
    for (const entry of own) {
      const alternatives =
        entry.acceptable === undefined
          ? ""
          : ` (also accepted: ${entry.acceptable.map(expected).join("; ")})`;
      lines.push(
        `| \`${entry.id}\` | ${tableCell(shape(entry))} | ${tableCell(expected(entry.expect) + alternatives)} | [source](${entry.source.url}) |`,
      );
    }
    const gaps = own.filter((entry) => entry.designGap !== undefined);
    if (gaps.length > 0) {
      lines.push("", "Design gaps:", ...gaps.map((entry) => `- \`${entry.id}\`: ${entry.designGap}`));
    }
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
