export * from './call-item';
export * from './call-record';
export * from './env';
export * from './money';
export * from './rollup';
export * from './table-schema';
export * from './rollup-counters';
