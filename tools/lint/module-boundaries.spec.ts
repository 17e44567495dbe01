import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = join(__dirname, '..', '..');

/** Writes a probe file into a project, lints it with the repository's config, removes it. */
async function lintProbe(relPath: string, source: string): Promise<string[]> {
  const file = join(root, relPath);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, source);
  try {
    // The CLI in a child process: Jest's module system cannot load eslint.config.mjs.
    const run = spawnSync(process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', file], { cwd: root, encoding: 'utf8' });
    const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
    return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
  } finally {
    rmSync(file);
  }
}

describe('module boundaries (lint)', () => {
  jest.setTimeout(120_000);

  it('fails when an app imports another app (e.g. billing reaching into customer)', async () => {
    const msgs = await lintProbe(
      'apps/billing/src/lint-probe-app.ts',
      `import { customerService } from '../../customer/src/service.definition';\nexport const x = customerService;\n`,
    );
    expect(msgs.length).toBeGreaterThan(0);
  });

  it('fails when a shared lib depends on a service', async () => {
    const msgs = await lintProbe(
      'libs/contracts/src/lint-probe-lib.ts',
      `import { paymentsService } from '../../../apps/payments/src/service.definition';\nexport const x = paymentsService;\n`,
    );
    expect(msgs.length).toBeGreaterThan(0);
  });

  it('fails when contracts depend on platform code', async () => {
    const msgs = await lintProbe(
      'libs/contracts/src/lint-probe-platform.ts',
      `import { Outbox } from '@supra/platform/messaging';\nexport const x = Outbox;\n`,
    );
    expect(msgs.some((m) => m.includes('type:contracts'))).toBe(true);
  });

  it('accepts an app using contracts, platform and domain libs', async () => {
    const msgs = await lintProbe(
      'apps/payments/src/lint-probe-ok.ts',
      `import { validateEventData } from '@supra/contracts';\nimport { Outbox } from '@supra/platform/messaging';\nexport const x = [validateEventData, Outbox];\n`,
    );
    expect(msgs).toEqual([]);
  });
});
