export * from "./keys.js";
export * from "./records.js";
