import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from 'pg';
import { DataSource, type EntityManager, type MixedList, type EntitySchema } from 'typeorm';
import { TenantContext, type RequestContext } from '@supra/platform/tenancy';
import { appRole, grantSchemaSql, provisionSchemaSql, systemRole } from './roles';
import { installStatementCache } from './statement-cache';

export interface ServiceDatabaseOptions {
  url: string;
  /** The service's schema, e.g. `customer`. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: MixedList<Function | string>;
  poolSize?: number;
  applicationName?: string;
  /** Server-side prepared statements for repeated queries (statement-cache.ts); default true. */
  statementCache?: boolean;
}

interface TxStore {
  manager: EntityManager;
  tenantId: string | null;
}

const txStorage = new AsyncLocalStorage<TxStore>();

/**
 * One service's database: the migrator (the login user, owner of the schema), the `app` pool
 * (RLS applies) and the `system` pool (BYPASSRLS, cross-tenant machinery only).
 *
 * Every unit of work runs in a transaction that first calls
 * `set_config('app.tenant_id', <tenant>, true)`: transaction-local, so a pooled connection never
 * carries a tenant into the next transaction.
 */
export class ServiceDatabase {
  readonly app: DataSource;
  readonly system: DataSource;

  constructor(readonly options: ServiceDatabaseOptions) {
    const base = {
      type: 'postgres' as const,
      url: options.url,
      schema: options.schema,
      entities: options.entities ?? [],
      synchronize: false,
      migrationsRun: false,
    };
    // The system pool says so in pg_stat_activity: operators can tell the relay from request work.
    const pool = (role: string, max: number, suffix = '') => ({
      max,
      options: `-c role=${role} -c search_path=${options.schema},public`,
      application_name: `${options.applicationName ?? options.schema}${suffix}`,
    });
    this.app = new DataSource({ ...base, extra: pool(appRole(options.schema), options.poolSize ?? 10) });
    this.system = new DataSource({ ...base, extra: pool(systemRole(options.schema), 4, '-system') });
  }

  get schema(): string {
    return this.options.schema;
  }

  /** Creates the schema and roles, runs pending migrations under an advisory lock, grants. */
  async migrate(): Promise<string[]> {
    const lock = new Client({ connectionString: this.options.url, application_name: `${this.schema}-migrator` });
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`supra-migrate:${this.schema}`]);
      for (const sql of provisionSchemaSql(this.schema)) await lock.query(sql);
      const migrator = new DataSource({
        type: 'postgres',
        url: this.options.url,
        schema: this.schema,
        entities: this.options.entities ?? [],
        migrations: this.options.migrations ?? [],
        migrationsTableName: 'migrations',
        migrationsTransactionMode: 'each',
        extra: { max: 1, options: `-c search_path=${this.schema},public` },
      });
      await migrator.initialize();
      try {
        const ran = await migrator.runMigrations({ transaction: 'each' });
        for (const sql of grantSchemaSql(this.schema)) await lock.query(sql);
        return ran.map((m) => m.name);
      } finally {
        await migrator.destroy();
      }
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`supra-migrate:${this.schema}`]).catch(() => undefined);
      await lock.end();
    }
  }

  /** Reverts the last `count` migrations (down). */
  async revert(count = 1): Promise<void> {
    const migrator = new DataSource({
      type: 'postgres',
      url: this.options.url,
      schema: this.schema,
      entities: this.options.entities ?? [],
      migrations: this.options.migrations ?? [],
      migrationsTableName: 'migrations',
      extra: { max: 1, options: `-c search_path=${this.schema},public` },
    });
    await migrator.initialize();
    try {
      for (let i = 0; i < count; i++) await migrator.undoLastMigration({ transaction: 'each' });
    } finally {
      await migrator.destroy();
    }
  }

  async connect(): Promise<void> {
    for (const ds of [this.app, this.system]) {
      if (ds.isInitialized) continue;
      await ds.initialize();
      if (this.options.statementCache !== false) installStatementCache(ds);
    }
  }

  async close(): Promise<void> {
    if (this.app.isInitialized) await this.app.destroy();
    if (this.system.isInitialized) await this.system.destroy();
  }

  async ping(): Promise<boolean> {
    try {
      await this.app.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Runs `fn` in a transaction scoped to the tenant of the current request context (or the given
   * one). Nested calls join the outer transaction.
   */
  async tx<T>(fn: (em: EntityManager) => Promise<T>, tenantId?: string): Promise<T> {
    const tenant = tenantId ?? TenantContext.tenantId();
    const outer = txStorage.getStore();
    if (outer && outer.tenantId === tenant) return fn(outer.manager);
    return this.app.transaction(async (manager) => {
      await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant]);
      return txStorage.run({ manager, tenantId: tenant }, () => fn(manager));
    });
  }

  /** Like `tx`, also setting the request context (for work started outside a request, e.g. jobs). */
  async withTenant<T>(ctx: RequestContext | string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
    const c = typeof ctx === 'string' ? { tenantId: ctx } : ctx;
    return TenantContext.run(c, () => this.tx(fn, c.tenantId));
  }

  /** Cross-tenant work (relay, schedulers). Never for request handling. */
  async asSystem<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.system.transaction(async (manager) => txStorage.run({ manager, tenantId: null }, () => fn(manager)));
  }

  /**
   * A connection of its own as the system role, not from the pool and without the ORM: for a hot
   * path that runs its own BEGIN … COMMIT and folds statements into fewer round trips (the telemetry
   * lanes). The caller connects and ends it.
   */
  systemClient(name: string): Client {
    return new Client({
      connectionString: this.options.url,
      options: `-c role=${systemRole(this.schema)} -c search_path=${this.schema},public`,
      application_name: `${this.options.applicationName ?? this.schema}-${name}`,
    });
  }

  /** The EntityManager of the surrounding transaction; throws when called outside one. */
  manager(): EntityManager {
    const store = txStorage.getStore();
    if (!store) throw new Error(`No transaction in context: wrap the call in db.tx() (${this.schema})`);
    return store.manager;
  }
}

/** The EntityManager of the surrounding `tx()`/`asSystem()`, if any (used by the outbox). */
export function currentManager(): EntityManager | undefined {
  return txStorage.getStore()?.manager;
}

/**
 * Runs `fn` with `manager` as the surrounding transaction for the given tenant, so repositories and
 * the outbox called inside it join that transaction (used by message consumers that batch several
 * events, each in a savepoint, into one commit).
 */
export function runInTransaction<T>(manager: EntityManager, tenantId: string | null, fn: () => Promise<T>): Promise<T> {
  return txStorage.run({ manager, tenantId }, fn);
}
