export * from './store-scope';
export * from './member-home-store.dto';
