/**
 * Lamina's public entry point: everything a user imports.
 *
 *   import { Sequential, Dense, Dropout, makeCircles } from 'lamina';
 */

// Tensors, autodiff, randomness
export { Tensor } from './lib/tensor';
export type { Shape, NestedArray, TensorLike } from './lib/tensor';
export { Tape, Workspace, zeroGrads, requireGrads, gradOf, record } from './lib/autodiff';
export type { CallContext } from './lib/autodiff';
export { gradCheck, relativeDifference } from './lib/gradcheck';
export { valueAndGrads, grads } from './lib/grad';
export type { ValueAndGrads } from './lib/grad';
export type { GradCheckArgs, GradCheckResult } from './lib/gradcheck';
export {
  tensor, variable, zeros, ones, scalar,
  add, sub, mul, div, pow, maximum, minimum, greater, less, equal, greaterEqual, lessEqual, where,
  neg, exp, log, sqrt, square, abs, relu, sigmoid, tanh, clip,
  sum, mean, max, softmax, logSoftmax, matMul,
  reshape, transpose, concat, slice, gather, dropout,
} from './lib/tensor-ops';
export type { TensorValues, Operand, Axes, DropoutOpArgs, DropoutResult } from './lib/tensor-ops';
export { checkOptions, optionKeys, moreOptionKeys } from './lib/options';
export { RandomStream } from './lib/random';
export { setThreads, getThreads, poolStats, stopWorkers } from './kernels/parallel';
/** What the thread pool's Web Workers run in a browser (they import it from the ES module bundle); not for direct use. */
export { servePoolWorker } from './kernels/parallel-web-worker';
export * as ops from './lib/ops';
export * as convOps from './lib/conv-ops';
export * as mergeOps from './lib/merge-ops';
export type { Padding } from './lib/conv-ops';
export { lstm, gru, simpleRnn } from './lib/recurrent-ops';
export type { RecurrentOpOptions, RecurrentOpResult } from './lib/recurrent-ops';

// Models and training
export { Model, model } from './lib/model';
export type { ModelArgs, CompileArgs, FitArgs, PredictArgs, SaveResult, ModelData } from './lib/model';
export { Sequential } from './lib/sequential';
export type { SequentialArgs } from './lib/sequential';
export { Input, input, InputLayer } from './lib/graph/input';
export type { InputArgs } from './lib/graph/input';
export { SymbolicTensor, Node } from './lib/graph/symbolic';
export { History } from './lib/history';
export type { Logs } from './lib/history';
export { EarlyStopping, ModelCheckpoint, TerminateOnNaN, LearningRateScheduler, ReduceLROnPlateau } from './lib/callbacks';
export type { Callback, FittedModel, EarlyStoppingArgs, ModelCheckpointArgs, ReduceLROnPlateauArgs } from './lib/callbacks';
export { Optimizer, SGD, Adam, RMSprop } from './lib/optimizers';
export type { SGDArgs, AdamArgs, RMSpropArgs } from './lib/optimizers';
export { lossOp, resolveLoss, lossFunction } from './lib/losses';
export type { LossFunction } from './lib/losses';
export type { MetricFunction } from './lib/metrics';
export { MaxNorm, UnitNorm, NonNeg } from './lib/constraints';
export { L1L2, l1, l2, l1l2, penaltyOp, resolveRegularizer } from './lib/regularizers';
export type { Regularizer, L1L2Args, Penalized } from './lib/regularizers';
export type { Constraint, NormConstraintArgs } from './lib/constraints';
export * as initializers from './lib/initializers';
export { summaryText } from './lib/summary';

// Layers
export { Layer, KERNEL_BIAS_KEYS, LAYER_KEYS } from './lib/layer';
export type { LayerArgs, KernelBiasArgs, WeightShape, BuildRandom, InputShapes } from './lib/layer';
export { Dense } from './layers/dense';
export type { DenseArgs } from './layers/dense';
export { Dropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, GaussianDropout, GaussianNoise, AlphaDropout } from './layers/dropout';
export type { DropoutArgs, SpatialDropoutArgs, NoiseArgs } from './layers/dropout';
export { Conv1D, Conv2D } from './layers/conv';
export type { ConvArgs } from './layers/conv';
export {
  MaxPooling1D,
  MaxPooling2D,
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
} from './layers/pooling';
export type { PoolingArgs } from './layers/pooling';
export { Flatten, Reshape, RepeatVector } from './layers/reshape';
export { Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Merge, MERGE_KEYS } from './layers/merge';
export type { MergeArgs, ConcatenateArgs } from './layers/merge';
export { Activation } from './layers/activation';
export { ActivityRegularization } from './layers/regularization';
export { Embedding } from './layers/embedding';
export { BatchNormalization, LayerNormalization } from './layers/normalization';
export type { NormalizationArgs, BatchNormalizationArgs } from './layers/normalization';
export type { EmbeddingArgs } from './layers/embedding';
export type { ActivityRegularizationArgs } from './layers/regularization';
export type { ActivationArgs } from './layers/activation';
export { SimpleRNN, LSTM, GRU, RecurrentLayer } from './layers/recurrent';
export type { RecurrentArgs, LSTMArgs, GRUArgs } from './layers/recurrent';
export { TimeDistributed, Bidirectional } from './layers/wrappers';
export type { TimeDistributedArgs, BidirectionalArgs } from './layers/wrappers';
export * as sequenceOps from './lib/sequence-ops';
export type { PairMergeMode } from './lib/sequence-ops';

// Saving and loading (TensorFlow.js's layers-model format)
export { loadModel, modelFromArtifacts, layerFromConfig, registerLayerClass, ConfigReader } from './layers/serialization';
export type { LoadModelOptions } from './layers/serialization';
export { modelToArtifacts, MAX_MODEL_JSON_BYTES, MAX_JSON_DEPTH, MAX_LAYERS } from './lib/io/artifacts';
export type { ModelArtifacts, ArtifactsHead, WeightSpec, TrainingJson } from './lib/io/artifacts';
export { readArtifacts } from './lib/io/read-folder';

// Experiments: Monte Carlo dropout, repeated evaluation, grid search
export { predictMC } from './lib/monte-carlo';
export type { PredictMCArgs, MCPrediction } from './lib/monte-carlo';
export { repeatedEvaluation, gridSearch, summarize } from './lib/experiment';
export type { Params, Scores, TaskFn, TaskRef, Summary, ExperimentOptions, Evaluation } from './lib/experiment';

// Data and plots
export { makeCircles, makeMoons, trainTestSplit, splitRows, NumpyRandomState, loadDigits, makeWaveforms, makeTokenSequences } from './datasets';
export type { MakeCirclesOptions, MakeMoonsOptions, ToyDataset, Split, Digits, DigitsPart, DigitsOptions, MakeWaveformsOptions, SequenceDataset, MakeTokenSequencesOptions } from './datasets';
export { linePlot, scatterPlot, boxPlot, quartiles, errorBarPlot, heatMap, viridis, saveSvg } from './lib/plot';
export { writeFileAtomic } from './lib/io/atomic-write';
