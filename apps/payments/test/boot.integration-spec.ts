import { join } from 'node:path';
import { describeServiceBoot } from '@supra/platform/service-testing';
import { paymentsService } from '../src/service.definition';

describeServiceBoot(paymentsService, join(__dirname, '..', 'src', 'main.ts'));
