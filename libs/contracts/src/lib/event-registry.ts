import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export interface ContractFieldError {
  field: string;
  code: string;
  message: string;
}

export interface EventDefinition<T extends object = object> {
  type: string;
  version: number;
  data: new () => T;
  description: string;
}

const registry = new Map<string, EventDefinition>();

/** Registers an event type with its data class; `<context>.<entity>.<event>.v<N>`. */
export function defineEvent<T extends object>(type: string, data: new () => T, description: string): EventDefinition<T> {
  const m = /^[a-z][a-z-]*\.[a-z][a-z-]*\.[a-z][a-z-]*\.v(\d+)$/.exec(type);
  if (!m) throw new Error(`Event type ${type} does not follow <context>.<entity>.<event>.v<N>`);
  const def: EventDefinition<T> = { type, version: Number(m[1]), data, description };
  registry.set(type, def as EventDefinition);
  return def;
}

export const eventDefinition = (type: string): EventDefinition | undefined => registry.get(type);
export const allEventDefinitions = (): EventDefinition[] => [...registry.values()];

function flatten(errors: ValidationError[], parent = ''): ContractFieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    return [
      ...Object.entries(e.constraints ?? {}).map(([code, message]) => ({ field, code, message })),
      ...flatten(e.children ?? [], field),
    ];
  });
}

/**
 * Validates event data at a consumer's boundary. Unknown types are refused too: a consumer
 * only subscribes to types it knows, so an unknown one is a producer bug.
 */
export function validateEventData(type: string, data: unknown): ContractFieldError[] | null {
  const def = registry.get(type);
  if (!def) return [{ field: 'type', code: 'unknownType', message: `Unknown event type ${type}` }];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return [{ field: 'data', code: 'isObject', message: 'data must be a JSON object' }];
  }
  const instance = plainToInstance(def.data, data);
  const errors = validateSync(instance as object, { whitelist: false, forbidUnknownValues: false });
  return errors.length ? flatten(errors) : null;
}
