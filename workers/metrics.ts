/**
 * Worker-side metrics: the Temporal SDK runtime exports its own metrics (workflow and activity task
 * latencies, schedule-to-start, sticky cache, pollers, ...) and the SLA metrics workflows emit
 * through `metricMeter` (see `workflows/sla-metrics.ts`) on a Prometheus endpoint. The runtime is
 * process-wide and must be installed before the first `NativeConnection` or `Worker` is created.
 * A standalone worker binds `WORKER_METRICS_ADDRESS` (default `127.0.0.1:9464`, loopback: see
 * `config/settings.ts`); `npm start` binds a free loopback port and serves the text through the
 * intake's metrics listener.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';

import { sdkLogFunction } from '../config/logger.js';

/**
 * Histogram buckets (ms) of the SLA histograms: seconds to weeks of coverage time, so the same
 * metric serves a benchmark with 2-second targets and a desk with 5-day ones.
 */
const SLA_BUCKETS_MS = [
  1_000, 5_000, 30_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 14_400_000, 28_800_000, 86_400_000, 259_200_000, 604_800_000, 1_209_600_000,
];

/** Buckets (ms) of the timer lateness histogram: how long after its due time an SLA timer fired. */
const LATENESS_BUCKETS_MS = [10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000];

export interface RuntimeOptions {
  /** `host:port` the Prometheus exporter listens on (`/metrics` is served there); null: no exporter. */
  metricsAddress: string | null;
  /** Level of the SDK's own log lines (default WARN). */
  logLevel?: LogLevel;
  /** Where the SDK's log lines go: the process's logger (its format, its redaction); default the SDK's own stderr lines. */
  logger?: Logger | null;
}

/**
 * Installs the process-wide Temporal runtime, with a Prometheus exporter when asked. Call it once,
 * first: a runtime installed implicitly (by any earlier `NativeConnection`) cannot be replaced.
 * The SDK's own shutdown-signal handling is off (`shutdownSignals: []`): the process's entry stops
 * its stack in order on SIGINT/SIGTERM (`workers/shutdown.ts`), and two handlers draining one
 * worker is what made Ctrl-C log errors.
 * @example installRuntime({ metricsAddress: '127.0.0.1:9464' }); // then NativeConnection.connect(...)
 */
export function installRuntime(opts: RuntimeOptions): Runtime {
  const prometheus = opts.metricsAddress && {
    bindAddress: opts.metricsAddress,
    histogramBucketOverrides: {
      tierflow_time_to_first_response: SLA_BUCKETS_MS,
      tierflow_time_to_resolution: SLA_BUCKETS_MS,
      tierflow_sla_timer_lateness: LATENESS_BUCKETS_MS,
    },
  };
  return Runtime.install({
    logger: opts.logger ? new DefaultLogger(opts.logLevel ?? 'WARN', sdkLogFunction(opts.logger)) : new DefaultLogger(opts.logLevel ?? 'WARN'),
    shutdownSignals: [],
    ...(prometheus ? { telemetryOptions: { metrics: { prometheus } } } : {}),
  });
}

/** The URL a scraper (or the intake) reads: a wildcard bind address is reached on loopback. */
export function runtimeMetricsUrl(bindAddress: string): string {
  const at = bindAddress.lastIndexOf(':');
  const host = bindAddress.slice(0, at);
  const port = bindAddress.slice(at + 1);
  const reachable = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '[::]' || host === '::' ? '[::1]' : host;
  return `http://${reachable}:${port}/metrics`;
}

/**
 * The runtime's Prometheus text, for the metrics listener to append (the embedded `npm start`
 * serves one endpoint, `intake/metrics-server.ts`). Never throws: when the exporter cannot be read, the answer is a
 * comment saying why, so the intake's own metrics are still served.
 */
export async function fetchRuntimeMetrics(bindAddress: string, timeoutMs = 2_000): Promise<string> {
  try {
    const res = await fetch(runtimeMetricsUrl(bindAddress), { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return `# worker metrics unavailable: HTTP ${res.status} from ${bindAddress}\n`;
    const text = await res.text();
    return text.endsWith('\n') || text === '' ? text : `${text}\n`;
  } catch (err) {
    return `# worker metrics unavailable: ${err instanceof Error ? err.message : String(err)}\n`;
  }
}
