import { NodeSDK } from '@opentelemetry/sdk-node';
import { SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry before anything else loads. Spans go to the OTLP endpoint when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set (the collector in deploy/); with an exporter given (tests),
 * there. W3C trace context propagation is on either way, so trace ids still flow through HTTP
 * and NATS headers and into the logs.
 */
export function startTelemetry(serviceName: string, exporter?: SpanExporter): void {
  if (sdk) return;
  if (!exporter && process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    sdk = new NodeSDK({ serviceName, instrumentations: [] });
  } else {
    sdk = new NodeSDK({ serviceName, instrumentations: [], spanProcessors: exporter ? [new SimpleSpanProcessor({ exporter })] : [] });
  }
  sdk.start();
}

export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
  sdk = undefined;
}
