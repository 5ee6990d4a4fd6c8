export * from './protocol.js';
export * from './errors.js';
export * from './events.js';
export * from './schemas/common.js';
export * from './schemas/handshake.js';
export * from './schemas/room.js';
export * from './schemas/signal.js';
export * from './schemas/rest.js';
