import { runService } from '@supra/platform/runtime';
import { customerService } from './service.definition';

void runService(customerService);
