import { join } from 'node:path';
import { describeServiceBoot } from '@supra/platform/service-testing';
import { billingService } from '../src/service.definition';

describeServiceBoot(billingService, join(__dirname, '..', 'src', 'main.ts'));
