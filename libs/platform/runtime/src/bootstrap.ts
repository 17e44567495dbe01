import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import type { MixedList, EntitySchema } from 'typeorm';
import { BaseServiceEnv, loadConfig } from '@supra/platform/config';
import { ServiceDatabase } from '@supra/platform/database';
import type { FieldError } from '@supra/platform/errors';
import { JetStreamServer, NatsClient, Outbox, OutboxRelay, RpcClient } from '@supra/platform/messaging';
import { createLogger, httpTracingMiddleware, Metrics, PinoNestLogger, startTelemetry } from '@supra/platform/telemetry';
import { HealthController } from './health.controller';
import { PlatformModule, type ReadinessCheck } from './platform.module';
import { PassThroughRpcFilter, supraValidationPipe } from './validation';

export interface ServiceDefinition<E extends BaseServiceEnv> {
  /** `customer`, `work-orders`... (subjects, logs, ce-source). */
  service: string;
  /** PostgreSQL schema it owns. */
  schema: string;
  env: new () => E;
  /** The service's feature module(s). */
  imports: Array<Type<unknown> | DynamicModule>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: MixedList<Function | string>;
  validateEvent?: (type: string, data: unknown) => FieldError[] | null;
  readiness?: ReadinessCheck[];
  /** Extra HTTP controllers (the gateway's whole API). */
  controllers?: Type<unknown>[];
  /** Called after the Nest app is created, before it listens (global guards, filters, swagger). */
  configure?: (app: INestApplication, rt: Omit<ServiceRuntime<E>, 'url' | 'close' | 'app'>) => void | Promise<void>;
  /** Start the outbox relay (default true). */
  relay?: boolean;
}

export interface ServiceRuntime<E extends BaseServiceEnv = BaseServiceEnv> {
  app: INestApplication;
  env: E;
  db: ServiceDatabase;
  nats: NatsClient;
  relay?: OutboxRelay;
  server: JetStreamServer;
  url: string;
  metrics: Metrics;
  close(): Promise<void>;
}

/**
 * Boots one SUPRA service: telemetry, validated environment, its schema migrated, PostgreSQL and
 * NATS connected, HTTP (health, readiness, metrics and any controllers) and the JetStream strategy
 * (RPC handlers and durable event consumers), the outbox relay. `close()` (also on SIGTERM/SIGINT
 * when `handleSignals`) stops taking work, drains consumers and closes the pools, in that order.
 */
export async function bootstrapService<E extends BaseServiceEnv>(
  def: ServiceDefinition<E>,
  opts: { envOverrides?: Record<string, string>; handleSignals?: boolean } = {},
): Promise<ServiceRuntime<E>> {
  startTelemetry(`supra-${def.service}`);
  const env = loadConfig(def.env, { ...process.env, ...opts.envOverrides });
  const logger = createLogger(def.service, env.LOG_LEVEL);
  const db = new ServiceDatabase({
    url: env.DATABASE_URL,
    schema: def.schema,
    entities: def.entities,
    migrations: def.migrations,
    poolSize: env.DB_POOL_SIZE,
    applicationName: `supra-${def.service}`,
  });
  if (env.MIGRATE_ON_BOOT === 'true') {
    const ran = await db.migrate().catch(async (e: unknown) => {
      // Said plainly (service, schema, the migration that failed), so `npm start` can show it as the cause.
      const failed = await firstPending(env.DATABASE_URL, def.schema, def.migrations ?? []).catch(() => undefined);
      throw new Error(`migration ${failed ?? '(unknown)'} of schema ${def.schema} failed: ${(e as Error).message}`, { cause: e });
    });
    if (ran.length) logger.info({ migrations: ran }, 'migrations applied');
  }
  await db.connect();
  const nats = new NatsClient({ url: env.NATS_URL, name: `supra-${def.service}` });
  await nats.connect();
  const metrics = new Metrics(def.service);
  const outbox = new Outbox(def.service, def.schema);
  const rpc = new RpcClient(nats, env.SUPRA_NAMESPACE);

  @Module({
    imports: [
      PlatformModule.forRoot({ service: def.service, env, db, nats, outbox, rpc, metrics, readiness: def.readiness ?? [] }),
      ...def.imports,
    ],
    controllers: [HealthController, ...(def.controllers ?? [])],
  })
  class ServiceRootModule {}

  const app = await NestFactory.create(ServiceRootModule, { logger: new PinoNestLogger(logger), bufferLogs: false });
  app.use(httpTracingMiddleware(def.service));
  app.useGlobalPipes(supraValidationPipe());
  const server = new JetStreamServer({
    service: def.service,
    ns: env.SUPRA_NAMESPACE,
    nats,
    db,
    validateEvent: def.validateEvent,
    logger,
  });
  // Before connectMicroservice: it registers the RPC handlers at once, with the global filters known then.
  app.useGlobalFilters(new PassThroughRpcFilter());
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  await def.configure?.(app, { env, db, nats, relay: undefined, server, metrics });
  metrics.gauge('supra_events_applied', 'Events applied by this service', () => server.stats.applied);
  metrics.gauge('supra_events_dead_lettered', 'Events sent to the dead letter', () => server.stats.deadLettered);
  await app.startAllMicroservices();
  await app.listen(env.HTTP_PORT, env.HTTP_HOST);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  let relay: OutboxRelay | undefined;
  if (def.relay !== false) {
    relay = new OutboxRelay(db, nats, { service: def.service, ns: env.SUPRA_NAMESPACE, logger });
    await relay.start();
    metrics.gauge('supra_outbox_published', 'Outbox events published', () => relay?.metrics.published ?? 0);
  }
  logger.info({ url, namespace: env.SUPRA_NAMESPACE || '(none)' }, `${def.service} ready`);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      logger.info('shutting down: draining consumers, stopping relay, closing pools');
      await app.close(); // closes HTTP and the JetStream strategy (drains subscriptions and consumers)
      await relay?.stop();
      await nats.close();
      await db.close();
    })());

  if (opts.handleSignals) {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.once(sig, () => {
        close().then(
          () => process.exit(0),
          (e) => {
            logger.error({ err: e }, 'unclean shutdown');
            process.exit(1);
          },
        );
      });
    }
  }
  return { app, env, db, nats, relay, server, url, metrics, close };
}

/** The first of the service's migrations not recorded as run: the one a failed migrate() stopped at. */
async function firstPending(url: string, schema: string, migrations: ServiceDefinition<BaseServiceEnv>['migrations']): Promise<string | undefined> {
  const names = (Array.isArray(migrations) ? migrations : []).map((m) => (typeof m === 'function' ? (((new (m as new () => { name?: string })()).name ?? m.name) as string) : String(m)));
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const done = new Set(((await c.query(`SELECT name FROM "${schema}".migrations`)).rows as Array<{ name: string }>).map((r) => r.name));
    return names.find((n) => !done.has(n));
  } finally {
    await c.end();
  }
}

/** Entry point of a service process: boots, handles SIGTERM/SIGINT, exits non-zero on a boot failure. */
export async function runService<E extends BaseServiceEnv>(def: ServiceDefinition<E>): Promise<void> {
  try {
    await bootstrapService(def, { handleSignals: true });
  } catch (e) {
    // Configuration errors list every problem; print them plainly before anything else.
    process.stderr.write(`${def.service} failed to start: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
