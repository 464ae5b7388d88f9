export { type DataSource, type ObservationRequest, assertInt192, observeOrUndefined, withTimeout } from "./data-source.js";
export { type Decimal, multiplyToInt192, parseDecimal, toDecimal } from "./decimal.js";
export { type HttpJsonOptions, fetchJsonValue, httpJson, parseJsonKeepingNumbers, walkJsonPath } from "./http-json.js";
export { type RandomWalkOptions, randomWalkPrice, seededRandomWalk, seededUniform } from "./random-walk.js";
export { fixedValue, fromFunction, scriptedSequence } from "./simple.js";
export { type DataSourceSpec, dataSourceFromSpec } from "./from-spec.js";
