import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ServiceDatabase } from '@supra/platform/database';
import { NatsClient } from '@supra/platform/messaging';
import { Metrics } from '@supra/platform/telemetry';
import { Public } from './public.decorator';
import { READINESS_CHECKS, SERVICE_NAME, type ReadinessCheck } from './platform.module';

@Controller()
export class HealthController {
  constructor(
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly db: ServiceDatabase,
    private readonly nats: NatsClient,
    private readonly metrics: Metrics,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  @Public()
  @Get('health/live')
  @HttpCode(200)
  live(): { status: 'ok'; service: string } {
    return { status: 'ok', service: this.service };
  }

  @Public()
  @Get('health/ready')
  async ready(@Res() res: Response): Promise<void> {
    const [database, nats, ...extra] = await Promise.all([
      this.db.ping(),
      this.nats.ping(),
      ...this.checks.map((c) => c.check().catch((e: Error) => ({ ok: false, detail: e.message }))),
    ]);
    const checks: Record<string, unknown> = { database: { ok: database }, nats: { ok: nats } };
    this.checks.forEach((c, i) => (checks[c.name] = extra[i]));
    const ok = database && nats && extra.every((e) => e.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', service: this.service, checks });
  }

  @Public()
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
