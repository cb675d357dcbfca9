/** The embedded allocator model (allocator-model.md): public API for the CLI and other stages. */
export { type Fault, FAULTS, type FlushKind, type MapPath, type ModelConfig, DEFAULT_CONFIG, configLabel, makeConfig, validateConfig } from './config.js';
export { type Cost, type CostProfile, type CostWeights, COST_PROFILES, type Counters, cost, zeroCounters } from './cost.js';
export { type Failure, checkDifferential, explainRun, shrinkViolation } from './check.js';
export { type DifferentialRun, compareRuns, differential, pgtableGlobal } from './differential.js';
export { type WorkloadOptions, generateTrace } from './generate.js';
export { type CellResult, type DifferentialResult, type Machine, type MatrixOptions, type MatrixResult, type MatrixRow, claim, machineLabel, machinesOf, runMatrix } from './matrix.js';
export { type Observation, type RunResult, ZsModel, runTrace } from './model.js';
export { type MapMode, type Op, type Trace, formatOp, formatTrace, parseTrace, patternByte } from './ops.js';
export { type Scenario, SCENARIOS } from './scenarios.js';
export { type ShrinkOutcome, shrinkTrace } from './shrink.js';
export { type Era, type Geometry, type SizeClass, classIndexFor, geometry, pagesPerZspage, sizeClasses } from './sizeclass.js';
export { CALLER_FAULTS, type Violation, type ViolationKind, VIOLATION_DOCS, VIOLATION_KINDS } from './violations.js';
