// Parses `npm run tenant:onboard -- --slug cea-qro --name "CEA Querétaro" --admin-email ...`.
// Pure: no I/O, so every rule is unit-tested.
import { DomainError } from '@supra/platform/errors';

export interface OnboardArgs {
  slug: string;
  name: string;
  adminEmail: string;
  /** Undefined: the command generates one and prints it once. */
  adminPassword?: string;
  timeZone?: string;
  requireTotpForAdmins: boolean;
  databaseUrl: string;
}

export const USAGE_ERROR = 'TOOLS.USAGE';
const usage = (message: string): DomainError => new DomainError(USAGE_ERROR, message, { status: 400 });

export const ONBOARD_USAGE = `Usage: npm run tenant:onboard -- --slug <slug> --name <name> --admin-email <email>
         [--admin-password <pw> | env SUPRA_ONBOARD_ADMIN_PASSWORD] [--time-zone America/Mexico_City]
         [--no-totp] [--database-url postgres://...]  (default: DATABASE_URL, else the local supra database)`;

const FLAGS = new Set(['slug', 'name', 'admin-email', 'admin-password', 'time-zone', 'database-url']);

export function parseOnboardArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): OnboardArgs {
  const values: Record<string, string> = {};
  let requireTotpForAdmins = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--no-totp') {
      requireTotpForAdmins = false;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !FLAGS.has(m[1]!)) throw usage(`unknown argument: ${arg}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || (m[2] === undefined && value.startsWith('--'))) throw usage(`--${m[1]} needs a value`);
    values[m[1]!] = value;
  }
  const missing = ['slug', 'name', 'admin-email'].filter((k) => !values[k]?.trim());
  if (missing.length) throw usage(`missing ${missing.map((k) => `--${k}`).join(', ')}`);
  return {
    slug: values.slug!,
    name: values.name!,
    adminEmail: values['admin-email']!,
    adminPassword: values['admin-password'] ?? (env.SUPRA_ONBOARD_ADMIN_PASSWORD || undefined), // empty = unset
    timeZone: values['time-zone'],
    requireTotpForAdmins,
    databaseUrl: values['database-url'] ?? env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/supra',
  };
}
