export * from './observability.module';
export * from './mongo.module';
export * from './kafka.module';
export * from './bootstrap';
export * from './domain-service.module';
export * from './ensure-indexes';
export * from './consumers';
export * from './periodic-job';
