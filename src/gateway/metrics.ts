// The gateway's metrics, fed from turn events and request outcomes, rendered for GET /metrics:
// requests by route and status, attempts and failovers by reason and scope, skipped candidates,
// active cooldowns and open breakers (read from the health registry at scrape time), in-flight
// turns, and latency histograms (request, attempt, time to the first streamed chunk).
// Counters live in this process only; several gateway processes are summed by Prometheus.
import type { HealthRegistry, InspectableHealthRegistry } from "../health/health-registry.ts";
import type { TurnEvent } from "../turn/turn-event.ts";
import { Counter, Gauge, Histogram, type Labels } from "./prometheus-text.ts";

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

function isInspectable(health: HealthRegistry): health is InspectableHealthRegistry {
  return typeof (health as Partial<InspectableHealthRegistry>).entries === "function";
}

/** `openai/*\/gpt-5.5` -> `model`: the kind of a health key from its id. */
function keyKind(id: string): string {
  const [, credential, model] = id.split("/");
  if (credential === "*") return model === "*" ? "provider" : "model";
  return model === "*" ? "credential" : "credential-model";
}

export class GatewayMetrics {
  readonly requests = new Counter(
    "baton_gateway_requests_total",
    "HTTP requests answered, by route and status.",
  );
  readonly requestSeconds = new Histogram(
    "baton_gateway_request_duration_seconds",
    "Time from a request's arrival to the end of its response (a stream's last byte), by route and stream.",
    latencyBuckets,
  );
  readonly firstChunkSeconds = new Histogram(
    "baton_gateway_first_chunk_seconds",
    "Time from a streaming request's arrival to its first content chunk, by commit mode.",
    latencyBuckets,
  );
  readonly attempts = new Counter(
    "baton_attempts_total",
    "Requests sent to providers, by provider, model, outcome (answered or failed), reason and scope.",
  );
  readonly attemptSeconds = new Histogram(
    "baton_attempt_duration_seconds",
    "Duration of each provider request, by provider, model and outcome.",
    latencyBuckets,
  );
  readonly failovers = new Counter(
    "baton_failovers_total",
    "Moves to another credential or candidate after a failure, by the failure's reason and scope and the action.",
  );
  readonly skips = new Counter(
    "baton_candidates_skipped_total",
    "Candidates passed over without a request (cooling, breaker open...), by provider, model and why.",
  );
  readonly turns = new Counter(
    "baton_turns_total",
    "Model steps run through the failover engine, by outcome, and reason and scope when failed.",
  );
  readonly inFlight = new Gauge("baton_gateway_in_flight_turns", "Turns running now.");
  readonly cooldowns = new Gauge(
    "baton_cooldowns_active",
    "Health keys cooling now, by key kind (provider, credential, model, credential-model) and reason.",
  );
  readonly breakers = new Gauge("baton_breakers_open", "Health keys whose breaker is open now, by key kind.");

  /** A listener for one turn's events (it remembers the last failure to label the failover). */
  observer(): (event: TurnEvent) => void {
    let last: { reason: string; scope: string } | undefined;
    return (event) => {
      switch (event.type) {
        case "attempt-finished": {
          const where = { provider: event.target.provider, model: event.target.model };
          this.attempts.inc({ ...where, outcome: "answered", reason: "none", scope: "none" });
          this.attemptSeconds.observe({ ...where, outcome: "answered" }, event.ms / 1000);
          break;
        }
        case "attempt-failed": {
          const where = { provider: event.target.provider, model: event.target.model };
          last = { reason: event.reason, scope: event.scope };
          this.attempts.inc({ ...where, outcome: "failed", ...last });
          this.attemptSeconds.observe({ ...where, outcome: "failed" }, event.ms / 1000);
          break;
        }
        case "decision-made":
          if (
            (event.action === "next-candidate" || event.action === "rotate-credential") &&
            last !== undefined
          ) {
            this.failovers.inc({ ...last, action: event.action });
          }
          break;
        case "candidate-skipped":
          this.skips.inc({ provider: event.target.provider, model: event.target.model, why: event.why });
          break;
        case "step-answered":
          this.turns.inc({ outcome: "answered", reason: "none", scope: "none" });
          break;
        case "step-failed":
          this.turns.inc({
            outcome: "failed",
            reason: event.reason ?? event.kind,
            scope: event.scope ?? "none",
          });
          break;
        default:
          break;
      }
    };
  }

  /** Counts one answered HTTP request. */
  request(labels: Labels & { route: string; stream: string }, status: number, seconds: number): void {
    this.requests.inc({ route: labels.route, status: String(status) });
    this.requestSeconds.observe({ route: labels.route, stream: labels.stream }, seconds);
  }

  /** The Prometheus text of every metric; cooldowns and breakers are read from `health` now. */
  async render(health: HealthRegistry, inFlight: number, now: number = Date.now()): Promise<string> {
    this.inFlight.set({}, inFlight);
    if (isInspectable(health)) {
      const cooling = new Map<string, { labels: Labels; value: number }>();
      const open = new Map<string, { labels: Labels; value: number }>();
      for (const [id, entry] of await health.entries()) {
        if (entry.until <= now) continue;
        const kind = keyKind(id);
        const coolingKey = `${kind}|${entry.reason ?? "unknown"}`;
        const counted = cooling.get(coolingKey) ?? {
          labels: { kind, reason: entry.reason ?? "unknown" },
          value: 0,
        };
        counted.value += 1;
        cooling.set(coolingKey, counted);
        if (entry.breaker === "open") {
          const breaker = open.get(kind) ?? { labels: { kind }, value: 0 };
          breaker.value += 1;
          open.set(kind, breaker);
        }
      }
      this.cooldowns.replace([...cooling.values()]);
      this.breakers.replace([...open.values()]);
    }
    const metrics = [
      this.requests,
      this.requestSeconds,
      this.firstChunkSeconds,
      this.attempts,
      this.attemptSeconds,
      this.failovers,
      this.skips,
      this.turns,
      this.inFlight,
      this.cooldowns,
      this.breakers,
    ];
    return `${metrics.flatMap((metric) => metric.render()).join("\n")}\n`;
  }
}
