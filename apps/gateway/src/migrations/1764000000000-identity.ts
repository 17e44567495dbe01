import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropTenantRlsSql, runAll, tenantRlsSql } from '@supra/platform/database';
import { dropMessagingTablesSql, messagingTablesSql } from '@supra/platform/messaging';

/**
 * The `identity` schema. `tenants`, `permissions` and `signing_keys` are platform-wide (exempt
 * from tenant_id, see libs/platform/database/src/catalog-check.ts); every other table is
 * tenant-owned under RLS. Composite foreign keys on (tenant_id, id) make a cross-tenant link
 * (a role of tenant A given to a user of tenant B) impossible even for the system role.
 */
export class Identity1764000000000 implements MigrationInterface {
  name = 'Identity1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, messagingTablesSql('identity'));
    await runAll(q, [
      `CREATE TABLE identity.tenants (
         id uuid PRIMARY KEY,
         slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
         name text NOT NULL,
         time_zone text NOT NULL DEFAULT 'America/Mexico_City',
         fiscal_data jsonb NOT NULL DEFAULT '{}',
         settings jsonb NOT NULL DEFAULT '{}',
         status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE identity.permissions (
         code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_-]*(\\.[a-z0-9_*-]+)+$'),
         description text NOT NULL DEFAULT '',
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE identity.signing_keys (
         kid text PRIMARY KEY,
         alg text NOT NULL,
         public_jwk jsonb NOT NULL,
         private_key_sealed text NOT NULL,
         status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
         created_at timestamptz NOT NULL DEFAULT now(),
         retired_at timestamptz
       )`,
      `CREATE TABLE identity.users (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL REFERENCES identity.tenants (id),
         email text NOT NULL,
         name text NOT NULL DEFAULT '',
         password_hash text NOT NULL,
         status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
         failed_attempts integer NOT NULL DEFAULT 0,
         locked_until timestamptz,
         totp_secret_sealed text,
         totp_enabled boolean NOT NULL DEFAULT false,
         totp_last_step bigint,
         last_login_at timestamptz,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (tenant_id, id)
       )`,
      `CREATE UNIQUE INDEX users_tenant_email_uq ON identity.users (tenant_id, lower(email))`,
      `CREATE TABLE identity.roles (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL REFERENCES identity.tenants (id),
         name text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
         description text NOT NULL DEFAULT '',
         permissions text[] NOT NULL DEFAULT '{}',
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (tenant_id, name),
         UNIQUE (tenant_id, id)
       )`,
      `CREATE TABLE identity.user_roles (
         tenant_id uuid NOT NULL,
         user_id uuid NOT NULL,
         role_id uuid NOT NULL,
         granted_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (user_id, role_id),
         FOREIGN KEY (tenant_id, user_id) REFERENCES identity.users (tenant_id, id) ON DELETE CASCADE,
         FOREIGN KEY (tenant_id, role_id) REFERENCES identity.roles (tenant_id, id) ON DELETE CASCADE
       )`,
      `CREATE INDEX user_roles_role ON identity.user_roles (role_id)`,
      `CREATE TABLE identity.device_sessions (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         user_id uuid NOT NULL,
         device_name text,
         user_agent text,
         ip text,
         current_token_hash text NOT NULL,
         rotated_token_hashes text[] NOT NULL DEFAULT '{}',
         rotations integer NOT NULL DEFAULT 0,
         created_at timestamptz NOT NULL DEFAULT now(),
         last_used_at timestamptz NOT NULL DEFAULT now(),
         expires_at timestamptz NOT NULL,
         revoked_at timestamptz,
         revoked_reason text,
         FOREIGN KEY (tenant_id, user_id) REFERENCES identity.users (tenant_id, id) ON DELETE CASCADE
       )`,
      `CREATE INDEX device_sessions_user_active ON identity.device_sessions (tenant_id, user_id) WHERE revoked_at IS NULL`,
      ...tenantRlsSql('identity.users'),
      ...tenantRlsSql('identity.roles'),
      ...tenantRlsSql('identity.user_roles'),
      ...tenantRlsSql('identity.device_sessions'),
      `INSERT INTO identity.permissions (code, description) VALUES
         ('admin.users.read', 'List and read users of the tenant'),
         ('admin.users.manage', 'Create, update and disable users of the tenant'),
         ('admin.roles.read', 'List roles and the permission catalogue'),
         ('admin.roles.manage', 'Create roles, change their permissions, assign them to users'),
         ('admin.sessions.manage', 'List and revoke device sessions'),
         ('platform.tenants.manage', 'Create and list tenants (platform operators only)')`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      ...dropTenantRlsSql('identity.device_sessions'),
      ...dropTenantRlsSql('identity.user_roles'),
      ...dropTenantRlsSql('identity.roles'),
      ...dropTenantRlsSql('identity.users'),
      'DROP TABLE identity.device_sessions',
      'DROP TABLE identity.user_roles',
      'DROP TABLE identity.roles',
      'DROP TABLE identity.users',
      'DROP TABLE identity.signing_keys',
      'DROP TABLE identity.permissions',
      'DROP TABLE identity.tenants',
    ]);
    await runAll(q, dropMessagingTablesSql('identity'));
  }
}
