import { runService } from '@supra/platform/runtime';
import { billingService } from './service.definition';

void runService(billingService);
