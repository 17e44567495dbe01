/**
 * Standalone PAC simulator for development:
 *   node -r @swc-node/register apps/billing/src/cfdi/pac/simulator/main.ts
 * Env: PAC_SIM_PORT (default 8089), PAC_SIM_USERNAME / PAC_SIM_PASSWORD (optional credentials).
 */
import { PacSimulator } from './pac-simulator';

async function main(): Promise<void> {
  const sim = new PacSimulator({
    port: Number(process.env.PAC_SIM_PORT ?? 8089),
    username: process.env.PAC_SIM_USERNAME,
    password: process.env.PAC_SIM_PASSWORD,
  });
  const url = await sim.start();
  process.stdout.write(`PAC simulator (Finkok SOAP) listening on ${url}/servicios/soap/{stamp,cancel}.wsdl\n`);
  const shutdown = (): void => {
    void sim.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`PAC simulator failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
