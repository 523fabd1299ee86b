import { DynamicModule, Module } from '@nestjs/common';
import { ServiceConfig } from '@crm/config';
import { ConsumerFactory } from './consumers';
import { KafkaModule } from './kafka.module';
import { MongoModule } from './mongo.module';
import { ObservabilityModule } from './observability.module';
import { ServiceRpc } from './service-rpc';

/**
 * What every domain service stands on: logging, health and metrics, its own MongoDB
 * database, Kafka (with the topics it uses created), and its validated config as a provider.
 */
@Module({})
export class DomainServiceModule {
  static forRoot<C extends ServiceConfig>(
    service: string,
    config: C,
    configClass: new () => C,
    topics: string[],
  ): DynamicModule {
    return {
      module: DomainServiceModule,
      global: true,
      imports: [
        ObservabilityModule.forRoot(service, config),
        MongoModule.forRoot(config),
        KafkaModule.forRoot(service, config, topics),
      ],
      providers: [
        { provide: configClass, useValue: config },
        { provide: ServiceConfig, useExisting: configClass },
        ConsumerFactory,
        ServiceRpc,
      ],
      exports: [
        ServiceRpc,
        configClass,
        ServiceConfig,
        ConsumerFactory,
        ObservabilityModule,
        MongoModule,
        KafkaModule,
      ],
    };
  }
}
