import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { BEARER } from './access-rules';

/** OpenAPI 3 at /docs-json and Swagger UI at /docs (outside the guard: the document is public). */
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('SUPRA API')
    .setDescription(
      'Operators’ REST API of SUPRA. Sign in with POST /auth/login, send the access token as `Authorization: Bearer …`; ' +
        'tenant routes are `/{tenant}/v1/…` and the tenant must be the token’s. Errors are RFC 9457 problem details with a stable `code`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER)
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (controller, method) => `${controller.replace(/Controller$|Forwarder$/, '')}.${method}` });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', customSiteTitle: 'SUPRA API' });
}
