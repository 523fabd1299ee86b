import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { DomainServiceModule } from '@crm/service-kit';
import { CarePlansConfig } from './care-plans.config';

/** Stands on the shared foundation; its features arrive with their own issues. */
@Module({})
export class CarePlansModule {
  static forRoot(config: CarePlansConfig): DynamicModule {
    return {
      module: CarePlansModule,
      imports: [
        DomainServiceModule.forRoot('care-plans', config, CarePlansConfig, [Topics.careEvents]),
      ],
    };
  }
}
