export * from "./keys.js";
export * from "./records.js";
export * from "./sequencer-records.js";
