import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { DomainServiceModule } from '@crm/service-kit';
import { ComplaintsConfig } from './complaints.config';

/** Stands on the shared foundation; its features arrive with their own issues. */
@Module({})
export class ComplaintsModule {
  static forRoot(config: ComplaintsConfig): DynamicModule {
    return {
      module: ComplaintsModule,
      imports: [
        DomainServiceModule.forRoot('complaints', config, ComplaintsConfig, [
          Topics.complaintsEvents,
        ]),
      ],
    };
  }
}
