import { describe, expect, it } from "vitest";
import { Counter, Gauge, Histogram } from "./prometheus-text.ts";

describe("Prometheus text", () => {
  it("renders counters and gauges with escaped labels", () => {
    const counter = new Counter("baton_attempts_total", "Requests sent.");
    counter.inc({ provider: "openai", model: 'gpt "5"\\x' });
    counter.inc({ provider: "openai", model: 'gpt "5"\\x' }, 2);
    expect(counter.render()).toEqual([
      "# HELP baton_attempts_total Requests sent.",
      "# TYPE baton_attempts_total counter",
      'baton_attempts_total{provider="openai",model="gpt \\"5\\"\\\\x"} 3',
    ]);
    const gauge = new Gauge("baton_in_flight", "Now.");
    gauge.set({}, 4);
    expect(gauge.render().at(-1)).toBe("baton_in_flight 4");
  });

  it("renders histograms as cumulative buckets with sum and count", () => {
    const histogram = new Histogram("baton_seconds", "Latency.", [0.1, 1]);
    histogram.observe({ route: "/v1" }, 0.05);
    histogram.observe({ route: "/v1" }, 0.5);
    histogram.observe({ route: "/v1" }, 5);
    expect(histogram.render().slice(2)).toEqual([
      'baton_seconds_bucket{route="/v1",le="0.1"} 1',
      'baton_seconds_bucket{route="/v1",le="1"} 2',
      'baton_seconds_bucket{route="/v1",le="+Inf"} 3',
      'baton_seconds_sum{route="/v1"} 5.55',
      'baton_seconds_count{route="/v1"} 3',
    ]);
  });
});
