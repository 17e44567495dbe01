import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, freePort, testInfra, testNamespace } from '@supra/platform/testing';

describe('graceful shutdown', () => {
  jest.setTimeout(60_000);

  it('exits 0 on SIGTERM after draining consumers and closing pools', async () => {
    const tdb = await createTestDatabase();
    const port = await freePort();
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, '..', 'src', 'main.ts')], {
      cwd: join(__dirname, '..', '..', '..'),
      env: {
        ...process.env,
        DATABASE_URL: tdb.url,
        NATS_URL: (await testInfra()).natsUrl,
        SUPRA_NAMESPACE: testNamespace(),
        HTTP_PORT: String(port),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status === 200, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(out).toContain('shutting down');
    await tdb.drop();
  });
});
