export * from './api.ts';
export * from './format.ts';
export * from './queues.ts';
