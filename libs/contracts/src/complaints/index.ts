export * from './complaint.enums';
export * from './receive-complaint.dto';
export * from './complaint-transition.dto';
export * from './complaint.view';
export * from './complaint-events';
export * from './sla-policies.dto';
export * from './complaint-analytics.dto';
