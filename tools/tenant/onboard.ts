// `npm run tenant:onboard -- --slug cea-qro --name "CEA Querétaro" --admin-email admin@cea-qro.mx`
// Onboards a utility in one command: the tenant, its default roles and its admin user (the
// gateway's own onboardTenant; idempotent, so running it twice changes nothing). Prints what it did.
import 'reflect-metadata'; // decorators in the services' code need it before anything loads
import { randomBytes } from 'node:crypto';
import { DomainError } from '@supra/platform/errors';
import { onboardTenant, withIdentityDb } from '../dev/identity';
import { redact } from '../dev/infra-check';
import { ONBOARD_USAGE, parseOnboardArgs, USAGE_ERROR } from './onboard-args';

async function main(): Promise<number> {
  let args;
  try {
    args = parseOnboardArgs(process.argv.slice(2), process.env);
  } catch (e) {
    if (e instanceof DomainError && e.code === USAGE_ERROR) {
      process.stderr.write(`${e.message}\n${ONBOARD_USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const generated = args.adminPassword === undefined;
  const adminPassword = args.adminPassword ?? randomBytes(12).toString('base64url');
  const result = await withIdentityDb(args.databaseUrl, (db) =>
    onboardTenant(db, {
      slug: args.slug,
      name: args.name,
      adminEmail: args.adminEmail,
      adminPassword,
      timeZone: args.timeZone,
      requireTotpForAdmins: args.requireTotpForAdmins,
    }),
  );
  const out = [
    `${result.created ? 'Onboarded' : 'Already onboarded (nothing changed)'}: tenant ${result.slug} (${result.tenantId}) in ${redact(args.databaseUrl)}`,
    `  admin user: ${args.adminEmail} (${result.adminUserId})`,
    result.created && generated ? `  admin password (shown once, change it): ${adminPassword}` : '',
    result.created && args.requireTotpForAdmins ? '  the admin must enrol a TOTP second factor at first login' : '',
    `  API: /${result.slug}/v1/... at the gateway; services need no restart (tenants are rows, isolated by RLS)`,
  ].filter(Boolean);
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof DomainError) {
      const fields = (e.errors ?? []).map((f) => `  ${f.field}: ${f.message}`).join('\n');
      process.stderr.write(`${e.code}: ${e.message}\n${fields}\n`);
    }
    else process.stderr.write(`tenant onboarding failed: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
