/**
 * The playground's training thread (a module Web Worker). It owns the data and the model and
 * trains; the page only draws what this posts.
 *
 * Page -> worker messages:
 *   { type: 'configure', config }   new data and model (a reset); answers 'data' and a 'frame'
 *   { type: 'play' } / { type: 'pause' }
 *   { type: 'tick' }                the page drew a frame: run `epochsPerFrame` epochs (while playing)
 *   { type: 'step' }                one epoch, then pause
 *   { type: 'train', epochs, id }   exactly `epochs` epochs, then a 'frame' carrying `id` (test hook)
 *   { type: 'epochsPerFrame', value }
 *   { type: 'preset', id }          the tutorial case study, both models; answers 'preset'
 *
 * Worker -> page: 'ready', 'data' (points, labels, train count, plane bounds), 'frame' (new history
 * points, the decision-boundary grid, the dropout masks of the last step, sometimes the Monte Carlo
 * maps), 'presetPart', 'preset', 'finished', 'error'.
 *
 * A session is one `fit` call of `maxEpochs` epochs whose `onEpochBegin` callback waits for
 * permission (a tick, a step): pausing and stepping never split the fit, because two `fit` calls
 * of k epochs do not give the bits of one call of 2k (each call restarts its sample order).
 */
import {
  Adam, Dense, Dropout, getThreads, makeCircles, makeMoons, MaxNorm, predictMC, RandomStream, Sequential, splitRows, Tensor,
} from '../../dist/lamina.mjs';

/** Side of the decision-boundary grid (GRID x GRID points of the plane); SMALL_GRID for wide deep networks. */
const GRID = 64;
const SMALL_GRID = 32;
/** Side of the Monte Carlo grid, and its passes (SMALL_MC_GRID for wide deep networks). */
const MC_GRID = 40;
const SMALL_MC_GRID = 24;
const MC_SAMPLES = 30;
const SMALL_MC_SAMPLES = 10;
/** Hidden-to-hidden weights above which a frame's predictions use the small grids (4096 points through 4 layers of 500 units take about a second). */
const LARGE_WEIGHTS = 20000;
/** While playing, the Monte Carlo maps are recomputed every this many frames. */
const MC_EVERY_FRAMES = 12;
/** The preset posts a frame at most this often (ms), and yields to the message queue this often. */
const PRESET_FRAME_MS = 50;
const YIELD_MS = 15;

/** The tutorial's case study: makeCircles(100, noise 0.1, randomState 1), first 30 to train, 2-500-1, Adam, 4000 epochs, seed 1. */
const CASE_STUDY = {
  dataset: 'circles', n: 100, noise: 0.1, dataSeed: 1, trainPercent: 30,
  layers: 1, units: 500, activation: 'relu', inputRate: 0, rate: 0, maxNorm: null,
  learningRate: 0.001, batchSize: 32, seed: 1, maxEpochs: 4000,
};

/** Thrown out of a fit's callbacks to end a session that was replaced (reset, new config, preset). */
const ABORT = new Error('session replaced');

/** Resolves after the worker's message queue had a turn (a MessageChannel round, no 4 ms timer clamp). */
const channel = new MessageChannel();
const yieldQueue = [];
channel.port1.onmessage = () => yieldQueue.shift()?.();
function yieldNow() {
  return new Promise((resolve) => {
    yieldQueue.push(resolve);
    channel.port2.postMessage(0);
  });
}

// ---------------------------------------------------------------------------------------------
// Data

/** Two interleaved spirals (TensorFlow Playground's), points in shuffled order, seeded. */
function makeSpiral(n, noise, seed) {
  const random = new RandomStream(`playground/spiral/${seed}`);
  const half = Math.floor(n / 2);
  const points = [];
  // Each class: radius growing with i, angle 1.75 turns, the second class rotated by pi.
  for (let c = 0; c < 2; c++) {
    const count = c === 0 ? half : n - half;
    for (let i = 0; i < count; i++) {
      const r = (i / count) * 1.0 + 0.05;
      const t = 1.75 * (i / count) * 2 * Math.PI + c * Math.PI;
      points.push([r * Math.sin(t) + noise * random.normal(), r * Math.cos(t) + noise * random.normal(), c]);
    }
  }
  return shuffled(points, random);
}

/** XOR: points uniform in the square, label 1 where the signs of x and y differ; noise added after labelling. */
function makeXor(n, noise, seed) {
  const random = new RandomStream(`playground/xor/${seed}`);
  const points = [];
  // Keep a small margin off the axes so the classes are separable without noise.
  for (let i = 0; i < n; i++) {
    let x = random.uniformIn(-1, 1);
    let y = random.uniformIn(-1, 1);
    x += x > 0 ? 0.05 : -0.05;
    y += y > 0 ? 0.05 : -0.05;
    const label = x * y < 0 ? 1 : 0;
    points.push([x + noise * random.normal(), y + noise * random.normal(), label]);
  }
  return points;
}

/** The rows in an order drawn from `random` (Fisher-Yates on the indices). */
function shuffled(points, random) {
  const order = random.shuffle(Int32Array.from(points, (_, i) => i));
  return Array.from(order, (i) => points[i]);
}

/** [n, 2] and [n] Tensors from rows [x, y, label]. */
function toTensors(points) {
  const X = new Float32Array(points.length * 2);
  const y = new Float32Array(points.length);
  // Row-major pack.
  points.forEach(([a, b, label], i) => {
    X[2 * i] = a;
    X[2 * i + 1] = b;
    y[i] = label;
  });
  return { X: new Tensor(X, [points.length, 2]), y: new Tensor(y, [points.length]) };
}

/** The dataset a config asks for, split into its first nTrain rows (train) and the rest (test). */
function makeData(config) {
  const { dataset, n, noise, dataSeed } = config;
  let X, y;
  if (dataset === 'circles') ({ X, y } = makeCircles({ nSamples: n, noise, randomState: dataSeed }));
  else if (dataset === 'moons') ({ X, y } = makeMoons({ nSamples: n, noise, randomState: dataSeed }));
  else if (dataset === 'xor') ({ X, y } = toTensors(makeXor(n, noise, dataSeed)));
  else if (dataset === 'spiral') ({ X, y } = toTensors(makeSpiral(n, noise, dataSeed)));
  else throw new Error(`playground: dataset must be circles, moons, xor or spiral, got '${dataset}'`);
  const nTrain = Math.min(n - 1, Math.max(1, Math.round((n * config.trainPercent) / 100)));
  return { X, y, nTrain, ...splitRows(X, y, nTrain), bounds: planeBounds(X) };
}

/** A square of the plane around the points (10% margin): [xMin, xMax, yMin, yMax]. */
function planeBounds(X) {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < X.data.length; i++) {
    lo = Math.min(lo, X.data[i]);
    hi = Math.max(hi, X.data[i]);
  }
  const pad = 0.1 * (hi - lo);
  return [lo - pad, hi + pad, lo - pad, hi + pad];
}

/** The res x res points of the plane, row 0 at the top (y max), as an [res * res, 2] Tensor. */
function gridPoints(bounds, res) {
  const [x0, x1, y0, y1] = bounds;
  const data = new Float32Array(res * res * 2);
  // Cell centres, top row first.
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      const k = 2 * (r * res + c);
      data[k] = x0 + ((c + 0.5) / res) * (x1 - x0);
      data[k + 1] = y1 - ((r + 0.5) / res) * (y1 - y0);
    }
  }
  return new Tensor(data, [res * res, 2]);
}

// ---------------------------------------------------------------------------------------------
// Models

/**
 * [Dropout(inputRate)] -> (Dense(units, activation, MaxNorm) -> [Dropout(rate)]) x layers ->
 * Dense(1, sigmoid); binary cross-entropy, Adam(learningRate). With CASE_STUDY and rate 0 or 0.4
 * this is examples/circles-mlp.ts's `circlesModel` layer for layer.
 */
function buildModel(config, seed = config.seed) {
  const model = new Sequential({ seed });
  if (config.inputRate) model.add(new Dropout(config.inputRate, { inputShape: [2] }));
  for (let i = 0; i < config.layers; i++) {
    const constraint = config.maxNorm === null ? undefined : new MaxNorm(config.maxNorm);
    const inputDim = i === 0 && !config.inputRate ? 2 : undefined;
    model.add(new Dense(config.units, { inputDim, activation: config.activation, kernelConstraint: constraint }));
    if (config.rate) model.add(new Dropout(config.rate));
  }
  model.add(new Dense(1, { activation: 'sigmoid' }));
  const optimizer = config.learningRate === 0.001 ? 'adam' : new Adam({ learningRate: config.learningRate });
  model.compile({ loss: 'binary_crossentropy', optimizer, metrics: ['accuracy'] });
  return model;
}

/**
 * What the page draws, computed on a twin of the model (same layers, the trained weights copied
 * in) so that neither the grid predictions nor Monte Carlo dropout touch the trained model's
 * passes or dropout streams: training gives the same bits with or without the views.
 */
class Views {
  constructor(config, model, data) {
    this.model = model;
    this.twin = buildModel(config, `${config.seed}/views`);
    const large = config.units * config.units * (config.layers - 1) > LARGE_WEIGHTS;
    this.res = large ? SMALL_GRID : GRID;
    this.mcRes = large ? SMALL_MC_GRID : MC_GRID;
    this.mcSamples = large ? SMALL_MC_SAMPLES : MC_SAMPLES;
    this.grid = gridPoints(data.bounds, this.res);
    this.mcGrid = gridPoints(data.bounds, this.mcRes);
    this.stochastic = model.layers.some((l) => l.stochastic);
  }

  /** P(class 1) over the res x res plane, row 0 at the top. */
  boundary() {
    this.twin.setWeights(this.model.getWeights());
    return Float32Array.from(this.twin.predict(this.grid, { batchSize: 1024 }).data);
  }

  /** Monte Carlo dropout over the mcRes x mcRes plane: mean and std of mcSamples passes (null without dropout). */
  monteCarlo() {
    if (!this.stochastic) return null;
    this.twin.setWeights(this.model.getWeights());
    const { mean, std } = predictMC(this.twin, this.mcGrid, { samples: this.mcSamples, batchSize: this.mcRes * this.mcRes });
    return { res: this.mcRes, samples: this.mcSamples, mean: Float32Array.from(mean.data), std: Float32Array.from(std.data) };
  }

  /** The mask each Dropout layer drew in the last training step: 1 kept, 0 dropped, [rows, units]. */
  masks() {
    const out = [];
    for (const layer of this.model.layers) {
      if (!(layer instanceof Dropout) || layer.lastMask === null) continue;
      const mask = layer.lastMask;
      const bits = new Uint8Array(mask.size);
      // Kept units carry 1 / (1 - rate), dropped ones 0.
      for (let i = 0; i < bits.length; i++) bits[i] = mask.data[i] !== 0 ? 1 : 0;
      out.push({ name: layer.name, rate: layer.rate, rows: mask.shape[0], cols: mask.size / mask.shape[0], bits });
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Sessions

/** The current session (one config, one model, one fit); replaced on configure/preset. */
let session = null;
let token = 0;
let playing = false;
let epochsPerFrame = 10;

/** Posts a message, transferring the typed arrays' buffers it holds. */
function post(message) {
  const transfer = [];
  const walk = (v) => {
    if (ArrayBuffer.isView(v)) transfer.push(v.buffer);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(message);
  self.postMessage(message, [...new Set(transfer)]);
}

/** The logs of the epochs since the last frame, by series. */
function takeLogs(s) {
  const logs = s.pending;
  s.pending = { loss: [], acc: [], valLoss: [], valAcc: [] };
  return logs;
}

/** Appends one epoch's logs to the session's pending series. */
function recordEpoch(s, logs) {
  s.epoch++;
  s.pending.loss.push(logs.loss);
  s.pending.acc.push(logs.accuracy ?? logs.acc);
  s.pending.valLoss.push(logs.val_loss);
  s.pending.valAcc.push(logs.val_accuracy ?? logs.val_acc);
}

/** Posts what the page draws after the session's latest epoch. */
function postFrame(s, { mc = false, id = null } = {}) {
  s.frames++;
  post({
    type: 'frame', token: s.token, id, epoch: s.epoch, preset: s.preset ?? null,
    logs: takeLogs(s), grid: s.views.boundary(), res: s.views.res, masks: s.views.masks(), mc: mc ? s.views.monteCarlo() : null,
  });
}

/** Starts a session: data, model, views; posts the data and the untrained model's frame. */
function newSession(config, preset = null, id = null) {
  token++;
  // A replaced session waiting for a grant wakes up, sees the new token and ends its fit.
  session?.wake?.();
  const data = makeData(config);
  const model = buildModel(config);
  const s = { token, config, data, model, views: new Views(config, model, data), epoch: 0, frames: 0, budget: 0, wake: null, preset, pending: null, frameId: null };
  takeLogs(s);
  session = s;
  post({
    type: 'data', token: s.token, config, preset, bounds: data.bounds, nTrain: data.nTrain,
    points: Float32Array.from(data.X.data), labels: Float32Array.from(data.y.data), threads: getThreads(), isolated: self.crossOriginIsolated === true,
  });
  postFrame(s, { mc: true, id });
  return s;
}

/** Lets a waiting session run `epochs` more epochs. */
function grant(epochs) {
  const s = session;
  if (s === null || s.preset) return;
  s.budget = epochs;
  s.wake?.();
}

/** Runs the interactive session's single fit: every epoch waits for a grant (tick, step, train). */
async function runInteractive(s) {
  const callbacks = [{
    onEpochBegin: async () => {
      // Wait for a grant (the page's tick while playing, a step, or the test hook's train).
      while (s.budget === 0) {
        await new Promise((resolve) => (s.wake = resolve));
        s.wake = null;
        if (s.token !== token) throw ABORT;
      }
      if (s.token !== token) throw ABORT;
      s.budget--;
    },
    onEpochEnd: async (_epoch, logs) => {
      recordEpoch(s, logs);
      if (s.budget > 0) {
        // Long grants (train hook): let messages in now and then.
        if (s.epoch % 50 === 0) await yieldNow();
        return;
      }
      const id = s.frameId;
      s.frameId = null;
      postFrame(s, { mc: !playing || s.frames % MC_EVERY_FRAMES === 0 || id !== null, id });
    },
  }];
  const { trainX, trainY, testX, testY } = s.data;
  try {
    await s.model.fit(trainX, trainY, { validationData: [testX, testY], epochs: s.config.maxEpochs, batchSize: s.config.batchSize, verbose: 0, callbacks });
    if (s.token === token) post({ type: 'finished', token: s.token, epoch: s.epoch });
  } catch (err) {
    if (err !== ABORT) post({ type: 'error', message: String(err && err.stack ? err.stack : err) });
  }
}

/**
 * One model of the case study: one fit of 4000 epochs (as runCaseStudy), frames posted every
 * PRESET_FRAME_MS and the message queue given a turn every YIELD_MS; then evaluate on both sets.
 */
async function runCaseStudyModel(rate, id) {
  const s = newSession({ ...CASE_STUDY, rate }, { id, rate });
  const { trainX, trainY, testX, testY } = s.data;
  let lastFrame = performance.now();
  let lastYield = lastFrame;
  const history = { loss: [], acc: [], valLoss: [], valAcc: [] };
  const callbacks = [{
    onEpochEnd: async (_epoch, logs) => {
      if (s.token !== token) throw ABORT;
      recordEpoch(s, logs);
      history.loss.push(logs.loss);
      history.acc.push(logs.accuracy ?? logs.acc);
      history.valLoss.push(logs.val_loss);
      history.valAcc.push(logs.val_accuracy ?? logs.val_acc);
      const now = performance.now();
      if (now - lastFrame >= PRESET_FRAME_MS) {
        postFrame(s);
        lastFrame = performance.now();
      }
      if (now - lastYield >= YIELD_MS) {
        await yieldNow();
        lastYield = performance.now();
        if (s.token !== token) throw ABORT;
      }
    },
  }];
  const started = performance.now();
  await s.model.fit(trainX, trainY, { validationData: [testX, testY], epochs: CASE_STUDY.maxEpochs, verbose: 0, callbacks });
  const seconds = (performance.now() - started) / 1000;
  const [trainLoss, trainAcc] = s.model.evaluate(trainX, trainY);
  const [testLoss, testAcc] = s.model.evaluate(testX, testY);
  postFrame(s, { mc: rate > 0 });
  return { rate, trainAcc, testAcc, trainLoss, testLoss, seconds, epochs: s.epoch, history };
}

/** The tutorial case study: the 2-500-1 model without, then with Dropout(0.4), seed 1; posts both scores. */
async function runPreset(id) {
  try {
    playing = false;
    const noDropout = await runCaseStudyModel(0, id);
    post({ type: 'presetPart', id, result: noDropout });
    const dropout = await runCaseStudyModel(0.4, id);
    post({ type: 'preset', id, results: { noDropout, dropout } });
  } catch (err) {
    if (err !== ABORT) post({ type: 'error', id, message: String(err && err.stack ? err.stack : err) });
    else post({ type: 'preset', id, aborted: true });
  }
}

self.onmessage = ({ data: message }) => {
  try {
    switch (message.type) {
      case 'configure': {
        playing = false;
        const s = newSession(message.config, null, message.id ?? null);
        runInteractive(s);
        break;
      }
      case 'play':
        playing = true;
        break;
      case 'pause':
        playing = false;
        break;
      case 'tick':
        if (playing) grant(epochsPerFrame);
        break;
      case 'step':
        playing = false;
        grant(1);
        break;
      case 'train':
        playing = false;
        if (session) session.frameId = message.id;
        grant(message.epochs);
        break;
      case 'epochsPerFrame':
        epochsPerFrame = Math.max(1, Math.floor(message.value));
        break;
      case 'preset':
        runPreset(message.id);
        break;
      default:
        throw new Error(`train-worker: unknown message type '${message.type}'`);
    }
  } catch (err) {
    post({ type: 'error', id: message.id ?? null, message: String(err && err.stack ? err.stack : err) });
  }
};

post({ type: 'ready', threads: getThreads(), isolated: self.crossOriginIsolated === true });
