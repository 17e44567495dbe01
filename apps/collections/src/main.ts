import { runService } from '@supra/platform/runtime';
import { collectionsService } from './service.definition';

void runService(collectionsService);
