import { runService } from '@supra/platform/runtime';
import { ingestionService } from './service.definition';

void runService(ingestionService);
