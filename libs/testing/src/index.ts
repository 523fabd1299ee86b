export * from './infra';
export * from './service-process';
export * from './kafka-probe';
export * from './tokens';
export * from './purchases';
