export * from './checkpoint-store';
export * from './consumer';
export * from './event-json';
export * from './webhooks';
export * from './json-lines-sink';
export * from './audience';
