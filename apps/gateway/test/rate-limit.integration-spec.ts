import { startGateway, type Gateway } from './gateway-harness';

describe('rate limits in Redis', () => {
  jest.setTimeout(60_000);
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway({ RATE_LIMIT_PER_USER: '3', RATE_LIMIT_PER_IP: '8', RATE_LIMIT_WINDOW_MS: '60000' });
  });
  afterAll(async () => gw?.close());

  it('limits a user, then an IP, with 429 problem details and Retry-After', async () => {
    const a = await gw.onboard({ slug: 'busy' });
    const token = (await gw.login('busy', a.email, a.password)).body.accessToken; // ip: 1
    for (let i = 0; i < 3; i++) expect((await gw.call('GET', '/auth/me', { token })).status).toBe(200); // ip: 4, user: 3
    const user = await gw.call('GET', '/auth/me', { token }); // ip: 5, user: 4
    expect(user.status).toBe(429);
    expect(user.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(user.body).toMatchObject({ code: 'GATEWAY.RATE_LIMITED', status: 429, details: { scope: 'user' } });
    const retry = Number(user.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);

    for (let i = 0; i < 3; i++) expect((await gw.call('GET', '/health/live')).status).toBe(200); // ip: 8
    const ip = await gw.call('GET', '/health/live');
    expect(ip.status).toBe(429);
    expect(ip.body.details.scope).toBe('ip');
  });
});
