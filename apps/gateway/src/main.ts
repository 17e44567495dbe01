import { runService } from '@supra/platform/runtime';
import { gatewayService } from './service.definition';

void runService(gatewayService);
