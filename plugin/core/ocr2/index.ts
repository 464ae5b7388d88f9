/** OCR2 (median) report and config codec. */
export * from "./config.js";
export * from "./report.js";
