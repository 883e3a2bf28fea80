// Counters, gauges and histograms with labels, rendered in the Prometheus text exposition
// format (version 0.0.4). In-process only, no dependency: enough for one gateway's /metrics.
// Label values are escaped; label sets are whatever callers pass, so callers keep them bounded
// (provider, model, reason, scope: all finite in a given config).

export type Labels = Readonly<Record<string, string>>;

function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

function labelText(labels: Labels, extra?: readonly [string, string]): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
  if (extra !== undefined) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

function keyOf(labels: Labels): string {
  return JSON.stringify(Object.entries(labels));
}

function header(name: string, help: string, type: string): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
}

function number(value: number): string {
  return Number.isFinite(value) ? String(value) : value > 0 ? "+Inf" : value < 0 ? "-Inf" : "NaN";
}

/** A monotonically increasing count per label set. */
export class Counter {
  readonly name: string;
  readonly help: string;
  readonly #values = new Map<string, { labels: Labels; value: number }>();

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  inc(labels: Labels = {}, by = 1): void {
    const key = keyOf(labels);
    const entry = this.#values.get(key);
    if (entry === undefined) this.#values.set(key, { labels, value: by });
    else entry.value += by;
  }

  /** The current value for one label set (0 when never incremented). */
  value(labels: Labels = {}): number {
    return this.#values.get(keyOf(labels))?.value ?? 0;
  }

  render(): string[] {
    const lines = header(this.name, this.help, "counter");
    for (const { labels, value } of this.#values.values())
      lines.push(`${this.name}${labelText(labels)} ${number(value)}`);
    return lines;
  }
}

/** A value set at scrape time (or kept up to date by the caller). */
export class Gauge {
  readonly name: string;
  readonly help: string;
  #values = new Map<string, { labels: Labels; value: number }>();

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  set(labels: Labels, value: number): void {
    this.#values.set(keyOf(labels), { labels, value });
  }

  /** Replaces every label set at once (for values computed on scrape). */
  replace(entries: readonly { labels: Labels; value: number }[]): void {
    this.#values = new Map(entries.map((entry) => [keyOf(entry.labels), { ...entry }]));
  }

  render(): string[] {
    const lines = header(this.name, this.help, "gauge");
    for (const { labels, value } of this.#values.values())
      lines.push(`${this.name}${labelText(labels)} ${number(value)}`);
    return lines;
  }
}

/** Observations counted into cumulative buckets, with their sum and count, per label set. */
export class Histogram {
  readonly name: string;
  readonly help: string;
  readonly buckets: readonly number[];
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  constructor(name: string, help: string, buckets: readonly number[]) {
    this.name = name;
    this.help = help;
    this.buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: Labels, value: number): void {
    const key = keyOf(labels);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    for (let index = 0; index < this.buckets.length; index += 1) {
      if (value <= (this.buckets[index] as number))
        series.counts[index] = (series.counts[index] as number) + 1;
    }
    series.sum += value;
    series.count += 1;
  }

  render(): string[] {
    const lines = header(this.name, this.help, "histogram");
    for (const { labels, counts, sum, count } of this.#series.values()) {
      this.buckets.forEach((bound, index) => {
        lines.push(`${this.name}_bucket${labelText(labels, ["le", number(bound)])} ${counts[index]}`);
      });
      lines.push(`${this.name}_bucket${labelText(labels, ["le", "+Inf"])} ${count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${number(sum)}`);
      lines.push(`${this.name}_count${labelText(labels)} ${count}`);
    }
    return lines;
  }
}
