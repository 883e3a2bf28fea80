// Hand-written SVG line charts for the scaling benchmark: panels side by side, each with a
// log-scale x axis (the measured sizes or concurrency levels as ticks), a y axis in ms (log
// scale when the values span more than ~1.5 decades, linear from 0 otherwise), one line per
// series with its value printed at every point, and optional captions under the x ticks.
// No dependencies; the output is a standalone SVG document.

export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  /** One value per x; NaN leaves a gap. */
  readonly values: readonly number[];
}

export interface ChartPanel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xs: readonly number[];
  readonly xTickLabels: readonly string[];
  /** A second line under each x tick (e.g. throughput). */
  readonly xCaptions?: readonly string[];
  readonly series: readonly ChartSeries[];
}

const panelWidth = 460;
const panelHeight = 360;
const margin = { top: 70, right: 70, bottom: 74, left: 64 };

/** Presentation attributes inline (not CSS), so every SVG renderer draws the same thing. */
const style = {
  title: 'font-size="15" font-weight="bold" text-anchor="middle" fill="#222"',
  legend: 'font-size="12" fill="#222"',
  label: 'font-size="12" text-anchor="middle" fill="#333"',
  xtick: 'font-size="12" text-anchor="middle" fill="#333"',
  caption: 'font-size="11" text-anchor="middle" fill="#666"',
  ytick: 'font-size="11" text-anchor="end" fill="#555"',
  value: 'font-size="11" font-weight="bold" stroke="#fff" stroke-width="3" paint-order="stroke"',
  grid: 'stroke="#e4e4e4" stroke-width="1"',
  axis: 'stroke="#444" stroke-width="1"',
  foot: 'font-size="11" fill="#666"',
};

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function niceStep(span: number): number {
  const raw = span / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

interface YScale {
  readonly at: (value: number) => number;
  readonly ticks: readonly number[];
  readonly log: boolean;
}

function formatTick(value: number): string {
  if (value >= 1000) return `${Number((value / 1000).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}

function yScale(values: readonly number[], top: number, bottom: number): YScale {
  const finite = values.filter((value) => Number.isFinite(value));
  const max = Math.max(...finite, 0.001);
  const positive = finite.filter((value) => value > 0);
  const min = Math.min(...positive, max);
  if (max / min > 5) {
    const low = Math.floor(Math.log10(min));
    const high = Math.max(Math.ceil(Math.log10(max)), low + 1);
    const ticks = Array.from({ length: high - low + 1 }, (_, index) => 10 ** (low + index));
    const at = (value: number): number => {
      const clamped = Math.max(value, 10 ** low);
      return bottom - ((Math.log10(clamped) - low) / (high - low)) * (bottom - top);
    };
    return { at, ticks, log: true };
  }
  const step = niceStep(max);
  const high = Math.ceil(max / step) * step;
  const ticks = Array.from({ length: Math.round(high / step) + 1 }, (_, index) => index * step);
  return { at: (value) => bottom - (Math.max(value, 0) / high) * (bottom - top), ticks, log: false };
}

/** Moves labels at one x apart so none is closer than `gap` px to the next. */
function spread(positions: { y: number }[], gap: number): void {
  positions.sort((a, b) => a.y - b.y);
  for (let index = 1; index < positions.length; index += 1) {
    const previous = positions[index - 1] as { y: number };
    const current = positions[index] as { y: number };
    if (current.y - previous.y < gap) current.y = previous.y + gap;
  }
}

function panel(chart: ChartPanel, offsetX: number): string[] {
  const left = offsetX + margin.left;
  const right = offsetX + panelWidth - margin.right;
  const top = margin.top;
  const bottom = panelHeight - margin.bottom;
  const logXs = chart.xs.map((x) => Math.log10(x));
  const xMin = Math.min(...logXs);
  const xMax = Math.max(...logXs);
  const xAt = (index: number): number =>
    xMax === xMin
      ? (left + right) / 2
      : left + (((logXs[index] as number) - xMin) / (xMax - xMin)) * (right - left);
  const y = yScale(
    chart.series.flatMap((series) => series.values),
    top,
    bottom,
  );
  const out: string[] = [];
  const center = offsetX + panelWidth / 2;
  out.push(`<text x="${center}" y="22" ${style.title}>${escapeXml(chart.title)}</text>`);
  chart.series.forEach((series, index) => {
    const legendX = offsetX + margin.left + (index % 2) * 190;
    const legendY = 40 + Math.floor(index / 2) * 15;
    out.push(
      `<line x1="${legendX}" y1="${legendY - 4}" x2="${legendX + 18}" y2="${legendY - 4}" stroke="${series.color}" stroke-width="2.5"/>`,
      `<text x="${legendX + 24}" y="${legendY}" ${style.legend}>${escapeXml(series.name)}</text>`,
    );
  });
  for (const tick of y.ticks) {
    const at = y.at(tick);
    out.push(
      `<line x1="${left}" y1="${at}" x2="${right}" y2="${at}" ${style.grid}/>`,
      `<text x="${left - 6}" y="${at + 4}" ${style.ytick}>${formatTick(tick)}</text>`,
    );
  }
  out.push(
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" ${style.axis}/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" ${style.axis}/>`,
  );
  chart.xs.forEach((_, index) => {
    const at = xAt(index);
    out.push(
      `<line x1="${at}" y1="${bottom}" x2="${at}" y2="${bottom + 5}" ${style.axis}/>`,
      `<text x="${at}" y="${bottom + 18}" ${style.xtick}>${escapeXml(chart.xTickLabels[index] ?? "")}</text>`,
    );
    const caption = chart.xCaptions?.[index];
    if (caption !== undefined)
      out.push(`<text x="${at}" y="${bottom + 32}" ${style.caption}>${escapeXml(caption)}</text>`);
  });
  const xLabelY = bottom + (chart.xCaptions === undefined ? 38 : 52);
  out.push(`<text x="${(left + right) / 2}" y="${xLabelY}" ${style.label}>${escapeXml(chart.xLabel)}</text>`);
  const yLabelX = offsetX + 16;
  const yLabel = `${chart.yLabel}${y.log ? " (log scale)" : ""}`;
  out.push(
    `<text x="${yLabelX}" y="${(top + bottom) / 2}" ${style.label} transform="rotate(-90 ${yLabelX} ${(top + bottom) / 2})">${escapeXml(yLabel)}</text>`,
  );
  for (const series of chart.series) {
    const points = series.values
      .map((value, index) =>
        Number.isFinite(value) ? `${xAt(index).toFixed(1)},${y.at(value).toFixed(1)}` : "",
      )
      .filter((point) => point !== "");
    out.push(
      `<polyline points="${points.join(" ")}" fill="none" stroke="${series.color}" stroke-width="2.5"/>`,
    );
    series.values.forEach((value, index) => {
      if (Number.isFinite(value))
        out.push(
          `<circle cx="${xAt(index).toFixed(1)}" cy="${y.at(value).toFixed(1)}" r="3.5" fill="${series.color}"/>`,
        );
    });
  }
  chart.xs.forEach((_, index) => {
    const labels = chart.series
      .map((series) => ({ series, value: series.values[index] ?? Number.NaN }))
      .filter((label) => Number.isFinite(label.value))
      .map((label) => ({ ...label, y: y.at(label.value) + 4 }));
    spread(labels, 13);
    const last = index === chart.xs.length - 1;
    for (const label of labels) {
      const x = xAt(index) + (last ? 8 : 7);
      out.push(
        `<text x="${x.toFixed(1)}" y="${label.y.toFixed(1)}" ${style.value} fill="${label.series.color}">${formatValue(label.value)}</text>`,
      );
    }
  });
  return out;
}

/** Renders the panels side by side as one SVG document. */
export function renderChart(panels: readonly ChartPanel[], footnote: string): string {
  const width = panelWidth * panels.length;
  const height = panelHeight + 24;
  const body = panels.flatMap((chart, index) => panel(chart, index * panelWidth));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    "<title>Baton scaling: session open, append and turn overhead by session size and by concurrent sessions</title>",
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...body,
    `<text x="12" y="${height - 10}" ${style.foot}>${escapeXml(footnote)}</text>`,
    "</svg>",
    "",
  ].join("\n");
}
