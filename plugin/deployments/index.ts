export * from "./feed-deployments.js";
export * from "./key-seed.js";
export * from "./keys.js";
export * from "./records.js";
export * from "./sequencer-deployments.js";
export * from "./sequencer-records.js";
