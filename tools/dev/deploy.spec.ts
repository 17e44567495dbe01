// Checks the deployment files against the service table (services.ts): every YAML file parses,
// compose and the kustomize base run every service with health checks, and every kustomization
// builds (with kubectl when the machine has it, by resolving its resources otherwise).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { DEV_SERVICES, SERVICE_NAMES } from './services';

const ROOT = join(__dirname, '..', '..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(name) ? [p] : [];
  });
}

type Doc = Record<string, unknown>;
const docsOf = (file: string): Doc[] =>
  parseAllDocuments(readFileSync(file, 'utf8'), { merge: true }).map((d) => {
    if (d.errors.length) throw new Error(`${relative(ROOT, file)}: ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS() as Doc;
  });

const get = (o: unknown, ...path: Array<string | number>): unknown =>
  path.reduce<unknown>((acc, k) => (acc && typeof acc === 'object' ? (acc as Record<string, unknown>)[k] : undefined), o);

describe('deployment files', () => {
  const files = [join(ROOT, 'docker-compose.yml'), ...yamlFiles(join(ROOT, 'deploy')), ...yamlFiles(join(ROOT, 'k8s'))];

  it('finds the compose file, the collector config and the kustomize trees', () => {
    const rel = files.map((f) => relative(ROOT, f));
    expect(rel).toEqual(expect.arrayContaining(['docker-compose.yml', 'deploy/otel-collector.yaml', 'k8s/base/kustomization.yaml']));
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('%s is valid YAML', (_rel, file) => {
    expect(docsOf(file).length).toBeGreaterThan(0);
  });

  describe('docker-compose.yml', () => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Doc;
    const services = compose.services as Record<string, Doc>;

    it('runs TimescaleDB, NATS with JetStream and Redis with health checks', () => {
      expect(String(services.postgres?.image)).toMatch(/^timescale\/timescaledb:/);
      expect(services.nats?.command).toContain('-js');
      expect(String(services.redis?.image)).toMatch(/^redis:/);
      for (const infra of ['postgres', 'nats', 'redis']) expect(services[infra]?.healthcheck).toBeDefined();
    });

    it.each(SERVICE_NAMES.map((s) => [s]))('runs %s from the shared image, health-checked, after the infrastructure', (name) => {
      const svc = services[name]!;
      expect(svc).toBeDefined();
      expect(get(svc, 'build', 'dockerfile')).toBe('deploy/Dockerfile');
      expect(get(svc, 'environment', 'SERVICE')).toBe(name);
      expect(String(get(svc, 'environment', 'DATABASE_URL'))).toMatch(/^postgres:\/\/.*@postgres:5432\/supra$/);
      expect(get(svc, 'healthcheck', 'test')).toEqual(expect.arrayContaining([expect.stringContaining('/health/ready')]));
      for (const dep of ['postgres', 'nats', 'redis']) expect(get(svc, 'depends_on', dep, 'condition')).toBe('service_healthy');
    });

    it('publishes only the gateway to the host among the services', () => {
      const published = SERVICE_NAMES.filter((s) => services[s]?.ports);
      expect(published).toEqual(['gateway']);
    });
  });

  describe('deploy/Dockerfile', () => {
    const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
    it('builds on node 20 bookworm-slim with npm ci and starts the chosen service through swc', () => {
      expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim/m);
      expect(dockerfile).toMatch(/npm ci/);
      expect(dockerfile).toContain('node -r @swc-node/register apps/${SERVICE}/src/main.ts');
    });
  });

  describe('k8s/base', () => {
    const docs = yamlFiles(join(ROOT, 'k8s', 'base')).flatMap(docsOf);
    const byKind = (kind: string) => new Map(docs.filter((d) => d.kind === kind).map((d) => [String(get(d, 'metadata', 'name')), d]));
    const deployments = byKind('Deployment');
    const k8sServices = byKind('Service');

    it.each(DEV_SERVICES.map((s) => [s.name]))('has a Deployment and a Service for %s with probes, metrics and draining', (name) => {
      const dep = deployments.get(name);
      expect(dep).toBeDefined();
      expect(k8sServices.get(name)).toBeDefined();
      const pod = get(dep, 'spec', 'template') as Doc;
      const container = get(pod, 'spec', 'containers', 0) as Doc;
      expect(get(container, 'livenessProbe', 'httpGet', 'path')).toBe('/health/live');
      expect(get(container, 'readinessProbe', 'httpGet', 'path')).toBe('/health/ready');
      expect(get(pod, 'metadata', 'annotations', 'prometheus.io/path')).toBe('/metrics');
      expect(Number(get(pod, 'spec', 'terminationGracePeriodSeconds'))).toBeGreaterThanOrEqual(30);
      expect((container.env as Array<{ name: string; value?: string }>).find((e) => e.name === 'SERVICE')?.value).toBe(name);
      expect(container.envFrom).toEqual([{ configMapRef: { name: 'supra-config' } }, { secretRef: { name: 'supra-secrets' } }]);
      // The selector must match the pod template, or the Deployment is rejected.
      expect(get(dep, 'spec', 'selector', 'matchLabels')).toEqual({ 'app.kubernetes.io/name': name });
      expect(get(pod, 'metadata', 'labels', 'app.kubernetes.io/name')).toBe(name);
    });

    it('keeps secrets out of the ConfigMap', () => {
      const kust = docsOf(join(ROOT, 'k8s', 'base', 'kustomization.yaml'))[0]!;
      const literals = (get(kust, 'configMapGenerator', 0, 'literals') as string[]).map((l) => l.split('=')[0]);
      expect(literals).not.toContain('DATABASE_URL');
      expect(literals).not.toContain('SUPRA_SECRET_KEY');
    });
  });

  describe('kustomizations', () => {
    const kustomizations = yamlFiles(join(ROOT, 'k8s')).filter((f) => /kustomization\.ya?ml$/.test(f));
    const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

    it('include a pooled and a silo overlay', () => {
      const rel = kustomizations.map((f) => relative(ROOT, f));
      expect(rel).toEqual(expect.arrayContaining(['k8s/overlays/shared/kustomization.yaml', 'k8s/overlays/cea-qro/kustomization.yaml']));
    });

    it.each(kustomizations.map((f) => [relative(ROOT, dirname(f)), f]))('%s resolves and builds', (_rel, file) => {
      const kust = docsOf(file)[0]!;
      for (const r of (kust.resources as string[]) ?? []) expect(existsSync(join(dirname(file), r))).toBe(true);
      if (kubectl) {
        const run = spawnSync('kubectl', ['kustomize', dirname(file)], { encoding: 'utf8' });
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        const built = parseAllDocuments(run.stdout).map((d) => d.toJS() as Doc);
        expect(built.filter((d) => d.kind === 'Deployment').map((d) => get(d, 'metadata', 'name')).sort()).toEqual([...SERVICE_NAMES].sort());
      }
    });
  });
});
