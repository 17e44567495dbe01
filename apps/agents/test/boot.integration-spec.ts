import { join } from 'node:path';
import { describeServiceBoot } from '@supra/platform/service-testing';
import { agentsService } from '../src/service.definition';

describeServiceBoot(agentsService, join(__dirname, '..', 'src', 'main.ts'));
