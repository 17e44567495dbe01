import { randomUUID } from 'node:crypto';
import { hashToken, newRefreshToken, parseRefreshToken, sameHash } from './tokens';
import { SecretBox } from './secret-box';

describe('refresh tokens', () => {
  it('are hashed with SHA-256 and compared in constant time', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sameHash(hashToken('a'), hashToken('a'))).toBe(true);
    expect(sameHash(hashToken('a'), hashToken('b'))).toBe(false);
    expect(sameHash('', '')).toBe(false);
  });

  it('carry tenant and session ids and a 256-bit secret, each token different', () => {
    const t = randomUUID();
    const s = randomUUID();
    const a = newRefreshToken(t, s);
    const b = newRefreshToken(t, s);
    expect(a).not.toBe(b);
    expect(parseRefreshToken(a)).toEqual({ tenantId: t, sessionId: s });
    expect(parseRefreshToken(`${t}.${s}.short`)).toBeNull();
    expect(parseRefreshToken('garbage')).toBeNull();
    expect(parseRefreshToken(`x.${s}.${a.split('.')[2]}`)).toBeNull();
  });
});

describe('SecretBox (AES-256-GCM)', () => {
  const box = SecretBox.fromKey('11'.repeat(32));

  it('round-trips and never repeats a ciphertext', () => {
    const a = box.seal('top secret', 'user-1');
    expect(a).not.toBe(box.seal('top secret', 'user-1'));
    expect(box.open(a, 'user-1').toString()).toBe('top secret');
  });

  it('refuses another row, another key or a tampered ciphertext', () => {
    const a = box.seal('top secret', 'user-1');
    expect(() => box.open(a, 'user-2')).toThrow(expect.objectContaining({ code: 'GATEWAY.SECRET_UNREADABLE' }));
    expect(() => SecretBox.fromKey('22'.repeat(32)).open(a, 'user-1')).toThrow(expect.objectContaining({ code: 'GATEWAY.SECRET_UNREADABLE' }));
    const parts = a.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'), 'user-1')).toThrow(expect.objectContaining({ code: 'GATEWAY.SECRET_UNREADABLE' }));
  });

  it('accepts hex or base64 32-byte keys, refuses others, and has a dev key only outside production', () => {
    expect(() => SecretBox.fromKey(Buffer.alloc(32, 7).toString('base64'))).not.toThrow();
    expect(() => SecretBox.fromKey('abcd')).toThrow(expect.objectContaining({ code: 'GATEWAY.SECRET_KEY_INVALID' }));
    expect(SecretBox.fromEnv(undefined, 'development').isDevKey).toBe(true);
    expect(() => SecretBox.fromEnv(undefined, 'production')).toThrow(expect.objectContaining({ code: 'GATEWAY.SECRET_KEY_MISSING' }));
  });
});
