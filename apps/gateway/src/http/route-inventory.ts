import { RequestMethod, type INestApplicationContext } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { readRouteRule, type RouteRule } from './access-rules';

// Nest's own metadata keys (@nestjs/common/constants: PATH_METADATA, METHOD_METADATA).
const PATH = 'path';
const METHOD = 'method';

export interface RouteInfo {
  method: string;
  path: string;
  controller: string;
  handler: string;
  rule: RouteRule | null;
}

const join = (...parts: Array<string | string[] | undefined>) =>
  '/' +
  parts
    .map((p) => (Array.isArray(p) ? p[0] : p) ?? '')
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');

/** Every HTTP route of the application (found through Nest's DiscoveryService) with its access rule. */
export function listRoutes(app: INestApplicationContext): RouteInfo[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const out: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const cls = wrapper.metatype as (new (...a: never[]) => unknown) | undefined;
    if (!cls || !wrapper.instance) continue;
    const base = Reflect.getMetadata(PATH, cls) as string | string[] | undefined;
    const proto = Object.getPrototypeOf(wrapper.instance) as Record<string, (...a: unknown[]) => unknown>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name];
      const path = Reflect.getMetadata(PATH, handler) as string | string[] | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD, handler) as RequestMethod] ?? 'GET';
      out.push({ method, path: join(base, path), controller: cls.name, handler: name, rule: readRouteRule(reflector, [handler, cls]) });
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** Routes that declare neither a permission, `@Authenticated()` nor `@Public()`: the guard refuses them. */
export const findUnguardedRoutes = (app: INestApplicationContext): RouteInfo[] => listRoutes(app).filter((r) => r.rule === null);

/** Permission strings the routes require (for the catalogue roles may grant). */
export const requiredPermissions = (app: INestApplicationContext): string[] =>
  [...new Set(listRoutes(app).flatMap((r) => (r.rule?.kind === 'permission' ? [r.rule.permission] : [])))].sort();
