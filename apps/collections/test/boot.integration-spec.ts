import { join } from 'node:path';
import { describeServiceBoot } from '@supra/platform/service-testing';
import { collectionsService } from '../src/service.definition';

describeServiceBoot(collectionsService, join(__dirname, '..', 'src', 'main.ts'));
