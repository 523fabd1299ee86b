export * from './segment-criteria.dto';
export * from './saved-segment.dto';
export * from './segment-access';
