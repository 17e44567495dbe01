import { runService } from '@supra/platform/runtime';
import { agentsService } from './service.definition';

void runService(agentsService);
