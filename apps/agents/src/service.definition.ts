import { BaseServiceEnv } from '@supra/platform/config';
import type { ServiceDefinition } from '@supra/platform/runtime';
import { validateEventData } from '@supra/contracts';
import { Messaging1763900000000 } from './migrations/1763900000000-messaging';

export class AgentsEnv extends BaseServiceEnv {}

/** The agents service. Its domain arrives with its own issue; today it boots, migrates and reports health. */
export const agentsService: ServiceDefinition<AgentsEnv> = {
  service: 'agents',
  schema: 'agents',
  env: AgentsEnv,
  imports: [],
  migrations: [Messaging1763900000000],
  validateEvent: validateEventData,
};
