import { acceptRequestId } from './request-id';

describe('X-Request-Id', () => {
  it('keeps a well-formed incoming id', () => {
    expect(acceptRequestId('req-2026-11-23-abcdef')).toBe('req-2026-11-23-abcdef');
    expect(acceptRequestId('0190f7a4-0000-7000-8000-000000000001')).toBe('0190f7a4-0000-7000-8000-000000000001');
  });

  it('replaces a missing, short, too long or unsafe one with a UUIDv7', () => {
    for (const bad of [undefined, '', 'short', 'x'.repeat(200), 'has space in it', 'evil\r\nSet-Cookie: a=b']) {
      const id = acceptRequestId(bad);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
