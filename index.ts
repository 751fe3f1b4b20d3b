/**
 * Lamina's public entry point: everything a user imports.
 *
 *   import { Sequential, Dense, Dropout, makeCircles } from 'lamina';
 */
export { Tensor } from './lib/tensor';
export type { Shape, NestedArray, TensorLike } from './lib/tensor';
export { Sequential } from './lib/sequential';
export type { SequentialArgs, CompileArgs, FitArgs, PredictArgs } from './lib/sequential';
export { History } from './lib/history';
export type { Logs } from './lib/history';
export type { Callback } from './lib/callbacks';
export { Layer } from './lib/layer';
export type { LayerArgs } from './lib/layer';
export { Tape, Workspace, zeroGrads } from './lib/autodiff';
export type { CallContext } from './lib/autodiff';
export { gradCheck, relativeDifference } from './lib/gradcheck';
export { RandomStream } from './lib/random';
export { Optimizer, SGD, Adam, RMSprop } from './lib/optimizers';
export type { SGDArgs, AdamArgs, RMSpropArgs } from './lib/optimizers';
export { MaxNorm, UnitNorm, NonNeg } from './lib/constraints';
export type { Constraint } from './lib/constraints';
export * as initializers from './lib/initializers';
export * as ops from './lib/ops';
export { lossOp, resolveLoss } from './lib/losses';
export { linePlot, scatterPlot, saveSvg } from './lib/plot';
export { writeFileAtomic } from './lib/atomic-write';
export { Dense } from './layers/dense';
export type { DenseArgs } from './layers/dense';
export { Dropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, GaussianDropout, GaussianNoise, AlphaDropout } from './layers/dropout';
export type { DropoutArgs, SpatialDropoutArgs } from './layers/dropout';
export { makeCircles, makeMoons, trainTestSplit, splitRows, NumpyRandomState } from './datasets';
export type { MakeCirclesOptions, MakeMoonsOptions, ToyDataset, Split } from './datasets';
export { predictMC } from './lib/monte-carlo';
export type { PredictMCArgs, MCPrediction } from './lib/monte-carlo';
export { repeatedEvaluation, gridSearch, summarize } from './lib/experiment';
export type { Params, Scores, TaskFn, TaskRef, Summary, ExperimentOptions, Evaluation } from './lib/experiment';
export { EarlyStopping, TerminateOnNaN, LearningRateScheduler, ReduceLROnPlateau } from './lib/callbacks';
export type { FittedModel, EarlyStoppingArgs, ReduceLROnPlateauArgs } from './lib/callbacks';
export { summaryText } from './lib/summary';
export { boxPlot, quartiles, errorBarPlot, heatMap, viridis } from './lib/plot';
export { loadModel, modelFromArtifacts, layerFromConfig, registerLayerClass } from './layers/serialization';
export { modelToArtifacts, readArtifacts } from './lib/serialization';
export type { ModelArtifacts, WeightSpec, TrainingJson } from './lib/serialization';
