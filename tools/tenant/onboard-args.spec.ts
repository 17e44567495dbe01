import { DomainError } from '@supra/platform/errors';
import { parseOnboardArgs, USAGE_ERROR } from './onboard-args';

const usageError = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError && e.code === USAGE_ERROR) return e;
    throw e;
  }
  throw new Error('expected a usage error');
};

describe('tenant:onboard arguments', () => {
  it('reads the documented command line', () => {
    const a = parseOnboardArgs(['--slug', 'cea-qro', '--name', 'CEA Querétaro', '--admin-email', 'admin@cea-qro.mx'], {});
    expect(a).toEqual({
      slug: 'cea-qro',
      name: 'CEA Querétaro',
      adminEmail: 'admin@cea-qro.mx',
      adminPassword: undefined,
      timeZone: undefined,
      requireTotpForAdmins: true,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/supra',
    });
  });

  it('accepts --flag=value, --no-totp and takes the password and database from the environment', () => {
    const a = parseOnboardArgs(['--slug=jmas', '--name=JMAS Chihuahua', '--admin-email=a@jmas.mx', '--no-totp', '--time-zone', 'America/Chihuahua'], {
      SUPRA_ONBOARD_ADMIN_PASSWORD: 'from-env-123',
      DATABASE_URL: 'postgres://u@h:5432/x',
    });
    expect(a).toMatchObject({ slug: 'jmas', requireTotpForAdmins: false, adminPassword: 'from-env-123', timeZone: 'America/Chihuahua', databaseUrl: 'postgres://u@h:5432/x' });
  });

  it('prefers --admin-password and --database-url to the environment', () => {
    const a = parseOnboardArgs(['--slug', 's1', '--name', 'n', '--admin-email', 'e@x', '--admin-password', 'flag-pw-1', '--database-url', 'postgres://a@b/c'], {
      SUPRA_ONBOARD_ADMIN_PASSWORD: 'env-pw',
      DATABASE_URL: 'postgres://env@h/db',
    });
    expect(a.adminPassword).toBe('flag-pw-1');
    expect(a.databaseUrl).toBe('postgres://a@b/c');
  });

  it('treats an empty SUPRA_ONBOARD_ADMIN_PASSWORD as unset (a password is generated)', () => {
    const a = parseOnboardArgs(['--slug', 's1', '--name', 'n', '--admin-email', 'e@x'], { SUPRA_ONBOARD_ADMIN_PASSWORD: '' });
    expect(a.adminPassword).toBeUndefined();
  });

  it('names every missing required flag', () => {
    expect(usageError(() => parseOnboardArgs(['--slug', 'x'])).message).toBe('missing --name, --admin-email');
  });

  it('rejects unknown flags and flags without a value', () => {
    expect(usageError(() => parseOnboardArgs(['--slug', 'x', '--colour', 'blue'])).message).toMatch(/unknown argument: --colour/);
    expect(usageError(() => parseOnboardArgs(['--slug', '--name', 'n'])).message).toMatch(/--slug needs a value/);
    expect(usageError(() => parseOnboardArgs(['--name'])).message).toMatch(/--name needs a value/);
  });
});
