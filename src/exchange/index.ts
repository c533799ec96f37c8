// Mon espace santé delivery (PDSm / IHE MHD ITI-65) through a durable outbox; see README.
export { installOutboxHook, outboxRows, type OutboxRow, type OutboxStatus } from './outbox.js';
export { registerDeliveryStatusOperation } from './status-operation.js';
export { pollOnce, startDeliveryWorker, type DeliveryWorker, type PollSummary } from './worker.js';
export { mhdConfig, backoffDelay, type MhdConfig } from './config.js';
export { buildProvideBundle, type ProvideInput, type Action } from './provide-bundle.js';
export { loadProvideBundle } from './load.js';
