export * from './care-task.dto';
export * from './care-plan-template.dto';
export * from './care-plan.dto';
export * from './care-events';
export * from './health-indicator.dto';
export * from './adherence.dto';
export * from './safety-check.dto';
export * from './cadence.dto';
