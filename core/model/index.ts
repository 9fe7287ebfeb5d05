// The domain model: runtime schemas (zod) and the types inferred from them.
export * from './common';
export * from './settings';
export * from './order';
export * from './stock';
export * from './cart';
export * from './rule';
export * from './wording';
export * from './issue';
export * from './cursor';
export * from './availability';
export * from './stock-csv';
export * from './shipment-csv';
