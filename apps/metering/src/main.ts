import { runService } from '@supra/platform/runtime';
import { meteringService } from './service.definition';

void runService(meteringService);
