import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface PrivateNatsServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM) and waits for it to exit. Data stays for a restart. */
  stop(): Promise<void>;
  /** Kills it abruptly (SIGKILL). */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  dispose(): Promise<void>;
}

/**
 * A nats-server of the test's own (Debian's /usr/sbin/nats-server by default) on a free port with
 * a private JetStream directory: fault tests restart this one, never the machine's shared server.
 */
export async function startPrivateNatsServer(binary = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server'): Promise<PrivateNatsServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'supra-nats-'));
  let proc: ChildProcess | undefined;

  const waitUp = async () => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = connect(port, '127.0.0.1');
        s.once('connect', () => { s.destroy(); resolve(true); });
        s.once('error', () => resolve(false));
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`nats-server did not start on port ${port}`);
  };
  const exited = (p: ChildProcess) => new Promise<void>((resolve) => (p.exitCode !== null ? resolve() : p.once('exit', () => resolve())));

  const server: PrivateNatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    async start() {
      proc = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
      await waitUp();
    },
    async stop() {
      if (!proc || proc.exitCode !== null) return;
      const p = proc;
      p.kill('SIGTERM');
      await exited(p);
    },
    async kill() {
      if (!proc || proc.exitCode !== null) return;
      const p = proc;
      p.kill('SIGKILL');
      await exited(p);
    },
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
