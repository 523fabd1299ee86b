import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { completeApiDocument } from './api-document';

/** OpenAPI document at /api/docs-json and its UI at /api/docs (CONTRACTS.md §2). */
export function setUpApiDocs(app: NestFastifyApplication): void {
  const document = completeApiDocument(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Pharmacy member CRM')
        .setDescription(
          'Members, loyalty, care plans, complaints and notifications for store staff and the service desk. ' +
            'Each operation names the roles it admits in `x-roles` (a token without one of them: 403), and ' +
            "`x-store-scope: home-store` where only staff of the member's home store may act.",
        )
        .setVersion('1')
        .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
        .build(),
    ),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
