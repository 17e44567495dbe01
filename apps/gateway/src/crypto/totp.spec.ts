import { base32Decode, base32Encode, generateTotpSecret, otpauthUri, totpAt, verifyTotp } from './totp';

// RFC 6238 appendix B, SHA-1 seed "12345678901234567890".
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890', 'ascii'));

describe('TOTP (RFC 6238)', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches the RFC test vector at T=%d', (t, code) => {
    expect(totpAt(RFC_SECRET, t, 8)).toBe(code);
    expect(totpAt(RFC_SECRET, t)).toBe(code.slice(2));
  });

  it('round-trips base32', () => {
    const buf = Buffer.from('any bytes \x00\xff here');
    expect(base32Decode(base32Encode(buf))).toEqual(buf);
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
  });

  it('accepts the current step and one either side, nothing further', () => {
    const secret = generateTotpSecret();
    const now = 1_800_000_000;
    expect(verifyTotp(secret, totpAt(secret, now), now)).toBe(Math.floor(now / 30));
    expect(verifyTotp(secret, totpAt(secret, now - 30), now)).not.toBeNull();
    expect(verifyTotp(secret, totpAt(secret, now + 30), now)).not.toBeNull();
    const far = totpAt(secret, now - 90);
    if (far !== totpAt(secret, now) && far !== totpAt(secret, now - 30) && far !== totpAt(secret, now + 30)) {
      expect(verifyTotp(secret, far, now)).toBeNull();
    }
    expect(verifyTotp(secret, 'abcdef', now)).toBeNull();
    expect(verifyTotp(secret, '1234567', now)).toBeNull();
  });

  it('builds an otpauth URI authenticator apps read', () => {
    const uri = otpauthUri('JBSWY3DPEHPK3PXP', 'SUPRA demo', 'admin@demo.supra.local');
    expect(uri).toMatch(/^otpauth:\/\/totp\/SUPRA%20demo%3Aadmin%40demo\.supra\.local\?/);
    const q = new URL(uri).searchParams;
    expect(q.get('secret')).toBe('JBSWY3DPEHPK3PXP');
    expect(q.get('period')).toBe('30');
    expect(q.get('digits')).toBe('6');
  });
});
