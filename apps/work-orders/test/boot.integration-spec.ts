import { join } from 'node:path';
import { describeServiceBoot } from '@supra/platform/service-testing';
import { workOrdersService } from '../src/service.definition';

describeServiceBoot(workOrdersService, join(__dirname, '..', 'src', 'main.ts'));
