import { AzureMonitorMetricExporter, AzureMonitorTraceExporter } from "@azure/monitor-opentelemetry-exporter";
import { createNoopMeter, type Meter, type Tracer, trace } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, type MetricReader, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";

/** Where the app's traces and metrics go: Azure Monitor in production, in-memory exporters in tests, or nowhere. */
export interface Telemetry {
  tracer: Tracer;
  meter: Meter;
  /** Whether anything is exported; off, every instrument is a no-op. */
  enabled: boolean;
  /** Exports what is buffered (the end of a test, a shutdown). */
  flush(): Promise<void>;
  /** Flushes and stops exporting; the last step before the process exits. */
  shutdown(): Promise<void>;
}

export interface TelemetryConfig {
  /** Application Insights; null leaves telemetry off. */
  applicationInsightsConnectionString: string | null;
}

/** Service name and instance on every span and metric: Application Insights' cloud role and role instance. */
export interface TelemetryIdentity {
  serviceVersion?: string;
  instanceId: string;
}

/** Off: no-op instruments that cost nothing, so callers never check whether telemetry is on. */
export function noTelemetry(): Telemetry {
  return {
    tracer: trace.getTracer("throughline"),
    meter: createNoopMeter(),
    enabled: false,
    flush: async () => {},
    shutdown: async () => {},
  };
}

/** Traces and metrics to Azure Monitor when a connection string is configured, off otherwise. */
export function startTelemetry(config: TelemetryConfig, identity: TelemetryIdentity): Telemetry {
  const connectionString = config.applicationInsightsConnectionString;
  if (!connectionString) return noTelemetry();
  return telemetryWith(
    {
      spanProcessor: new BatchSpanProcessor(new AzureMonitorTraceExporter({ connectionString })),
      metricReader: new PeriodicExportingMetricReader({
        exporter: new AzureMonitorMetricExporter({ connectionString }),
        exportIntervalMillis: 60_000,
      }),
    },
    identity,
  );
}

/** The providers over the given processor and reader; tests pass in-memory exporters here. */
export function telemetryWith(
  pipeline: { spanProcessor: SpanProcessor; metricReader: MetricReader },
  identity: TelemetryIdentity,
): Telemetry {
  const resource = resourceFromAttributes({
    "service.name": "throughline",
    "service.instance.id": identity.instanceId,
    ...(identity.serviceVersion ? { "service.version": identity.serviceVersion } : {}),
  });
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [pipeline.spanProcessor] });
  const meterProvider = new MeterProvider({ resource, readers: [pipeline.metricReader] });
  return {
    tracer: tracerProvider.getTracer("throughline"),
    meter: meterProvider.getMeter("throughline"),
    enabled: true,
    async flush() {
      await Promise.all([tracerProvider.forceFlush(), meterProvider.forceFlush()]);
    },
    async shutdown() {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}
