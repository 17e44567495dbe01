import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process, with Node's default metrics and SUPRA's HTTP metrics. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly httpErrors: Counter<'code'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'supra_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.httpErrors = new Counter({
      name: 'supra_errors_total',
      help: 'Errors returned, by domain error code',
      labelNames: ['code'],
      registers: [this.registry],
    });
  }

  /** A gauge read from a function at scrape time (consumer stats, relay backlog...). */
  gauge(name: string, help: string, read: () => number | Promise<number>): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Gauge } = require('prom-client') as typeof import('prom-client');
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }
}
