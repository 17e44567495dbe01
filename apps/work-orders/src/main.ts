import { runService } from '@supra/platform/runtime';
import { workOrdersService } from './service.definition';

void runService(workOrdersService);
