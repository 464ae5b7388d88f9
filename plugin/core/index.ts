/** The OCR1 core: pure functions for keys, configs, reports, observations and scheduling. */
export * from "./abi.js";
export * from "./address.js";
export * from "./bytes.js";
export * from "./deviation.js";
export * from "./hash.js";
export * from "./keys.js";
export * from "./leader-selection.js";
export * from "./observation.js";
export * from "./permutation.js";
export * from "./report.js";
export * from "./transmission-schedule.js";
export * from "./config/digest.js";
export * from "./config/encoding.js";
export * from "./config/public-config.js";
export * from "./config/shared-config.js";
export * from "./ocr2/index.js";
