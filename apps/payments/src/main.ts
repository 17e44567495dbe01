import { runService } from '@supra/platform/runtime';
import { paymentsService } from './service.definition';

void runService(paymentsService);
