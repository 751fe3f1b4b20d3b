/**
 * The playground's page (main thread): controls and drawing only. All training runs in
 * train-worker.js; this keeps the latest frame it posted and draws it at most once per animation
 * frame. While playing, each animation frame that finds the worker idle sends it a 'tick' (run
 * `epochsPerFrame` epochs).
 *
 * Test hook: `window.playground` (see the bottom of this file) drives the page without clicks.
 */

const $ = (id) => document.getElementById(id);
/**
 * 2D contexts are CPU-backed (willReadFrequently): the canvases are small and redrawn often, and
 * a GPU-backed canvas costs a raster round trip per frame (with software GL, most of a core).
 */
const contexts = new Map();
function context2d(canvas) {
  let ctx = contexts.get(canvas);
  if (!ctx) {
    ctx = canvas.getContext('2d', { willReadFrequently: true });
    contexts.set(canvas, ctx);
  }
  return ctx;
}
const CLASS0 = [245, 147, 34];
const CLASS1 = [8, 119, 189];

/** What the page knows: the worker's latest data and frame, the history so far, the UI state. */
const state = {
  config: null,
  token: -1,
  data: null,
  history: { loss: [], acc: [], valLoss: [], valAcc: [] },
  epoch: 0,
  frame: null,
  mc: null,
  masks: [],
  playing: false,
  tickPending: false,
  dirty: false,
  /** The preset's model without dropout: its history, drawn dashed beside the one with dropout. */
  ghost: null,
  /** The Monte Carlo maps changed since they were last drawn. */
  mcDirty: false,
  preset: null,
  presetResults: null,
  presetRunning: false,
  finished: false,
  threads: null,
  isolated: null,
  errors: [],
  rafCount: 0,
  /** Running mean of a draw's duration (ms). */
  drawMs: 0,
};

/** Requests waiting for the worker (configure, train, preset) by id, resolved after the frame they wait for is drawn. */
const waiting = new Map();
/** Resolvers to call after the next draw. */
let afterDraw = [];
let nextId = 1;

const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });

// ---------------------------------------------------------------------------------------------
// Controls

const NUMBER_FIELDS = ['n', 'noise', 'trainPercent', 'dataSeed', 'layers', 'units', 'inputRate', 'rate', 'learningRate', 'batchSize', 'seed', 'maxEpochs'];
const INTEGER_FIELDS = new Set(['n', 'trainPercent', 'dataSeed', 'layers', 'units', 'batchSize', 'seed', 'maxEpochs']);
const LIMITS = {
  n: [10, 1000], noise: [0, 1], trainPercent: [5, 95], dataSeed: [0, 1e9], layers: [1, 4], units: [1, 500],
  inputRate: [0, 0.9], rate: [0, 0.9], learningRate: [1e-5, 1], batchSize: [1, 1000], seed: [0, 1e9], maxEpochs: [1, 100000], maxNorm: [0.01, 100],
};

/** A number clamped to its field's limits (integers rounded). */
function clampField(name, value) {
  const [lo, hi] = LIMITS[name];
  const v = Math.min(hi, Math.max(lo, Number.isFinite(value) ? value : lo));
  return INTEGER_FIELDS.has(name) ? Math.round(v) : v;
}

/** The configuration the controls show. */
function readControls() {
  const config = { dataset: $('dataset').value, activation: $('activation').value };
  for (const name of NUMBER_FIELDS) config[name] = clampField(name, Number($(name).value));
  config.maxNorm = $('maxNormOn').checked ? clampField('maxNorm', Number($('maxNorm').value)) : null;
  return config;
}

/** Shows `config` in the controls. */
function writeControls(config) {
  $('dataset').value = config.dataset;
  $('activation').value = config.activation;
  for (const name of NUMBER_FIELDS) $(name).value = String(config[name]);
  $('maxNormOn').checked = config.maxNorm !== null;
  if (config.maxNorm !== null) $('maxNorm').value = String(config.maxNorm);
}

/** Sends a request to the worker; resolves when its answer has been drawn. */
function request(message) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker.postMessage({ ...message, id });
  });
}

/** A new session with `config` (the controls' by default): new data, new weights, epoch 0. */
function configure(config = readControls()) {
  const clean = { ...readControls(), ...config };
  writeControls(clean);
  state.config = clean;
  state.playing = false;
  state.tickPending = false;
  state.preset = null;
  state.finished = false;
  updateButtons();
  return request({ type: 'configure', config: clean });
}

function play() {
  if (state.presetRunning) return;
  // After the preset (or the last epoch), play starts a new session from the controls.
  const start = state.preset !== null || state.finished ? configure() : Promise.resolve();
  return start.then(() => {
    state.playing = true;
    state.tickPending = false;
    worker.postMessage({ type: 'play' });
    updateButtons();
  });
}

function pause() {
  state.playing = false;
  worker.postMessage({ type: 'pause' });
  updateButtons();
}

function step() {
  if (state.presetRunning) return Promise.resolve();
  const start = state.preset !== null || state.finished ? configure() : Promise.resolve();
  return start.then(() => {
    state.playing = false;
    updateButtons();
    return request({ type: 'train', epochs: 1 });
  });
}

/** Trains exactly `epochs` epochs from where the session is; resolves after they are drawn. */
function train(epochs) {
  state.playing = false;
  worker.postMessage({ type: 'pause' });
  updateButtons();
  return request({ type: 'train', epochs });
}

/** Runs the tutorial case study (both models); resolves with their scores once drawn. */
function runPreset() {
  state.playing = false;
  state.presetRunning = true;
  state.presetResults = null;
  $('presetTable').hidden = true;
  updateButtons();
  return request({ type: 'preset' });
}

function updateButtons() {
  $('play').classList.toggle('active', state.playing);
  $('pause').classList.toggle('active', !state.playing && !state.presetRunning);
  $('preset').classList.toggle('active', state.presetRunning);
}

$('play').addEventListener('click', () => play());
$('pause').addEventListener('click', () => pause());
$('step').addEventListener('click', () => step());
$('reset').addEventListener('click', () => configure());
$('preset').addEventListener('click', () => runPreset());
$('epochsPerFrame').addEventListener('change', () => {
  worker.postMessage({ type: 'epochsPerFrame', value: clampEpochsPerFrame() });
});
for (const el of document.querySelectorAll('fieldset input, fieldset select')) el.addEventListener('change', () => configure());

function clampEpochsPerFrame() {
  const v = Math.min(500, Math.max(1, Math.round(Number($('epochsPerFrame').value) || 1)));
  $('epochsPerFrame').value = String(v);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Messages from the worker

worker.onmessage = ({ data: m }) => {
  switch (m.type) {
    case 'ready':
      state.threads = m.threads;
      state.isolated = m.isolated;
      break;
    case 'data':
      state.token = m.token;
      state.config = m.config;
      state.preset = m.preset;
      state.data = { points: m.points, labels: m.labels, nTrain: m.nTrain, bounds: m.bounds };
      state.history = { loss: [], acc: [], valLoss: [], valAcc: [] };
      state.epoch = 0;
      state.mc = null;
      state.mcDirty = true;
      state.threads = m.threads;
      state.isolated = m.isolated;
      writeControls(m.config);
      break;
    case 'frame':
      if (m.token !== state.token) break;
      for (const key of Object.keys(state.history)) for (const v of m.logs[key]) state.history[key].push(v);
      state.epoch = m.epoch;
      state.frame = m;
      state.masks = m.masks;
      if (m.mc) {
        state.mc = m.mc;
        state.mcDirty = true;
      }
      state.tickPending = false;
      state.dirty = true;
      if (m.id !== null && waiting.has(m.id)) {
        const { resolve } = waiting.get(m.id);
        waiting.delete(m.id);
        afterDraw.push(() => resolve({ epoch: m.epoch }));
      }
      break;
    case 'presetPart':
      showPresetRow(m.result);
      // The model without dropout stays on the curves, dashed, beside the one with dropout.
      state.ghost = m.result.history;
      break;
    case 'preset': {
      state.presetRunning = false;
      updateButtons();
      const pending = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.aborted) {
        pending?.reject(new Error('the case study was interrupted by a new configuration'));
        break;
      }
      state.presetResults = m.results;
      showPresetRow(m.results.dropout);
      afterDraw.push(() => pending?.resolve(m.results));
      state.dirty = true;
      break;
    }
    case 'finished':
      if (m.token === state.token) {
        state.finished = true;
        state.playing = false;
        updateButtons();
      }
      break;
    case 'error': {
      state.errors.push(m.message);
      console.error(`train-worker: ${m.message}`);
      const pending = m.id != null ? waiting.get(m.id) : null;
      if (pending) {
        waiting.delete(m.id);
        pending.reject(new Error(m.message));
      }
      state.presetRunning = false;
      updateButtons();
      break;
    }
    default:
      console.error(`playground: unknown message from the worker: ${m.type}`);
  }
};

worker.onerror = (event) => {
  const message = `train-worker failed: ${event.message || 'could not start (is dist/lamina.mjs built? run npm run build)'}`;
  state.errors.push(message);
  console.error(message);
  $('status').textContent = message;
};

/** Adds one model's scores to the case-study table. */
function showPresetRow(r) {
  const table = $('presetTable');
  const body = table.querySelector('tbody');
  if (r.rate === 0) body.textContent = '';
  const row = document.createElement('tr');
  const cells = [r.rate ? `2-500-1, Dropout(${r.rate})` : '2-500-1, no dropout', r.trainAcc.toFixed(3), r.testAcc.toFixed(3), r.trainLoss.toFixed(4), r.testLoss.toFixed(4), r.seconds.toFixed(2)];
  for (const text of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    row.appendChild(td);
  }
  row.dataset.rate = String(r.rate);
  body.appendChild(row);
  table.hidden = false;
}

// ---------------------------------------------------------------------------------------------
// Drawing

/** 256-entry RGBA tables: index = round(255 * t) for t in [0, 1]. */
function colorTable(color) {
  const table = new Uint8ClampedArray(256 * 4);
  // One entry per level.
  for (let i = 0; i < 256; i++) color(i / 255, table, 4 * i);
  return table;
}

/** P(class 1) = p: orange through white (the boundary) to blue, softened so the points stand out. */
const PROBABILITY_COLORS = colorTable((t, out, k) => {
  const [c, w] = t < 0.5 ? [CLASS0, t / 0.5] : [CLASS1, (1 - t) / 0.5];
  // w = 1 at the boundary (white), 0 at certainty; certainty is drawn at 45% strength.
  const strength = 0.45 * (1 - w);
  for (let j = 0; j < 3; j++) out[k + j] = 255 + (c[j] - 255) * strength;
  out[k + 3] = 255;
});

/** Viridis (a few stops, interpolated), for the Monte Carlo std. */
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
const VIRIDIS_COLORS = colorTable((t, out, k) => {
  const x = t * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  for (let j = 0; j < 3; j++) out[k + j] = VIRIDIS[i][j] + (VIRIDIS[i + 1][j] - VIRIDIS[i][j]) * f;
  out[k + 3] = 255;
});

/** Writes an element's text only when it changed (each write lays out and paints the page again). */
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** One ImageData per canvas, reused from draw to draw. */
const images = new Map();
function imageFor(canvas) {
  let image = images.get(canvas);
  if (!image || image.width !== canvas.width || image.height !== canvas.height) {
    image = context2d(canvas).createImageData(canvas.width, canvas.height);
    images.set(canvas, image);
  }
  return image;
}

/** For a canvas side of `size` pixels over `res` grid cells: each pixel's lower cell and weight of the upper one. */
function interpolation(size, res) {
  const lower = new Int32Array(size);
  const weight = new Float32Array(size);
  // Pixel centre in cell units, clamped to the outer cell centres.
  for (let p = 0; p < size; p++) {
    const g = Math.min(res - 1, Math.max(0, ((p + 0.5) / size) * res - 0.5));
    lower[p] = Math.min(res - 2, Math.floor(g));
    weight[p] = g - lower[p];
  }
  return { lower, weight };
}

/**
 * Draws a res x res grid of values (row 0 at the top) over the whole canvas, bilinearly
 * interpolated between the cell centres, colored by `table` at round(255 * value / max). Done in
 * JS with putImageData: a scaled drawImage costs far more with software GL.
 */
function drawGrid(canvas, values, res, table, max = 1) {
  const { width, height } = canvas;
  const image = imageFor(canvas);
  const data = image.data;
  const xs = interpolation(width, res);
  const ys = interpolation(height, res);
  const scale = 255 / max;
  // Each canvas pixel: the four nearest cell centres, their weighted mean, its color.
  for (let py = 0; py < height; py++) {
    const r0 = ys.lower[py] * res;
    const r1 = r0 + res;
    const fy = ys.weight[py];
    for (let px = 0; px < width; px++) {
      const c0 = xs.lower[px];
      const fx = xs.weight[px];
      const top = values[r0 + c0] + (values[r0 + c0 + 1] - values[r0 + c0]) * fx;
      const bottom = values[r1 + c0] + (values[r1 + c0 + 1] - values[r1 + c0]) * fx;
      const v = (top + (bottom - top) * fy) * scale;
      const level = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
      const k = 4 * (py * width + px);
      const t = 4 * level;
      data[k] = table[t];
      data[k + 1] = table[t + 1];
      data[k + 2] = table[t + 2];
      data[k + 3] = 255;
    }
  }
  context2d(canvas).putImageData(image, 0, 0);
}

/** The data points over a plane canvas: train filled, test as rings. */
function drawPoints(canvas, data, radius = 3.5) {
  const ctx = context2d(canvas);
  const [x0, x1, y0, y1] = data.bounds;
  const sx = canvas.width / (x1 - x0);
  const sy = canvas.height / (y1 - y0);
  // Test points first, so the training points sit on top.
  for (const train of [false, true]) {
    for (let i = 0; i < data.labels.length; i++) {
      if ((i < data.nTrain) !== train) continue;
      const [r, g, b] = data.labels[i] > 0.5 ? CLASS1 : CLASS0;
      const px = (data.points[2 * i] - x0) * sx;
      const py = (y1 - data.points[2 * i + 1]) * sy;
      ctx.beginPath();
      ctx.arc(px, py, radius, 0, 2 * Math.PI);
      if (train) {
        ctx.fillStyle = `rgb(${r},${g},${b})`;
        ctx.fill();
        ctx.lineWidth = 1;
        ctx.strokeStyle = '#fff';
        ctx.stroke();
      } else {
        ctx.lineWidth = 1.6;
        ctx.strokeStyle = `rgb(${r},${g},${b})`;
        ctx.stroke();
      }
    }
  }
}

/** A label in the top-left corner of a canvas. */
function corner(canvas, text) {
  const ctx = context2d(canvas);
  ctx.font = '12px system-ui, sans-serif';
  const w = ctx.measureText(text).width;
  ctx.fillStyle = 'rgba(255,255,255,0.8)';
  ctx.fillRect(4, 4, w + 8, 17);
  ctx.fillStyle = '#222';
  ctx.fillText(text, 8, 17);
}

function drawBoundary() {
  const canvas = $('boundary');
  const frame = state.frame;
  if (!frame || !state.data) return;
  drawGrid(canvas, frame.grid, frame.res, PROBABILITY_COLORS);
  drawPoints(canvas, state.data);
  corner(canvas, `epoch ${state.epoch}`);
}

function drawUncertainty() {
  const canvas = $('uncertainty');
  const ctx = context2d(canvas);
  if (!state.mc) {
    ctx.fillStyle = '#f3f3f6';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (state.data) drawPoints(canvas, state.data, 2.5);
    corner(canvas, 'no dropout: Monte Carlo dropout needs a rate > 0');
    return;
  }
  const { std, res, samples } = state.mc;
  let max = 0.05;
  for (let i = 0; i < std.length; i++) max = Math.max(max, std[i]);
  drawGrid(canvas, std, res, VIRIDIS_COLORS, max);
  drawPoints(canvas, state.data, 2.5);
  corner(canvas, `std of ${samples} passes, max ${max.toFixed(3)}`);
}

/** Two series over epochs (train blue, test orange) with y in [0, yMax]. */
function drawCurves(canvas, train, test, yMax, label, ghost = null) {
  const ctx = context2d(canvas);
  const { width, height } = canvas;
  const left = 34;
  const bottom = height - 16;
  ctx.clearRect(0, 0, width, height);
  ctx.font = '10px system-ui, sans-serif';
  ctx.fillStyle = '#667';
  ctx.strokeStyle = '#dde';
  ctx.lineWidth = 1;
  // Horizontal grid lines at quarters of yMax.
  for (let q = 0; q <= 4; q++) {
    const y = bottom - (q / 4) * (bottom - 6);
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(width - 4, y);
    ctx.stroke();
    ctx.fillText(((q / 4) * yMax).toPrecision(2), 2, y + 3);
  }
  const epochs = Math.max(state.config?.maxEpochs ?? 1, train.length, 1);
  ctx.textAlign = 'right';
  ctx.fillText(`epoch ${train.length} / ${epochs}`, width - 6, height - 3);
  ctx.textAlign = 'left';
  ctx.fillText(label, left + 4, height - 3);
  const plot = (values, color, dash = []) => {
    if (values.length === 0) return;
    const stepBy = Math.max(1, Math.floor(values.length / (width - left)));
    ctx.beginPath();
    ctx.setLineDash(dash);
    ctx.strokeStyle = color;
    ctx.lineWidth = dash.length ? 1 : 1.5;
    // One vertex per canvas column at most.
    for (let i = 0; i < values.length; i += stepBy) {
      const x = left + (i / epochs) * (width - left - 4);
      const y = bottom - (Math.min(values[i], yMax) / yMax) * (bottom - 6);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
    ctx.setLineDash([]);
  };
  if (ghost) {
    plot(ghost[0], `rgba(${CLASS1},0.55)`, [4, 3]);
    plot(ghost[1], `rgba(${CLASS0},0.55)`, [4, 3]);
  }
  plot(train, `rgb(${CLASS1})`);
  plot(test, `rgb(${CLASS0})`);
}

function drawHistory() {
  const h = state.history;
  let maxLoss = 0.1;
  for (const v of h.loss) if (v > maxLoss) maxLoss = v;
  for (const v of h.valLoss) if (v > maxLoss) maxLoss = v;
  // During and after the preset's second model, the first (no dropout) is drawn dashed.
  const g = state.preset !== null && state.preset.rate > 0 ? state.ghost : null;
  if (g) for (const v of g.valLoss) if (v > maxLoss) maxLoss = v;
  const note = g ? ' (dashed: no dropout)' : '';
  drawCurves($('loss'), h.loss, h.valLoss, Math.min(maxLoss, 5), `binary cross-entropy${note}`, g && [g.loss, g.valLoss]);
  drawCurves($('accuracy'), h.acc, h.valAcc, 1, `accuracy${note}`, g && [g.acc, g.valAcc]);
}

/** Each dropout layer's mask of the last step as a band: rows are the batch's samples, columns the units. */
function drawMasks() {
  const canvas = $('mask');
  const ctx = context2d(canvas);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const masks = state.masks;
  if (masks.length === 0) {
    corner(canvas, 'no dropout layer (rates 0): every unit is kept');
    setText($('maskCaption'), 'Dropout mask of the last step: none.');
    return;
  }
  const band = canvas.height / masks.length;
  const captions = [];
  const image = imageFor(canvas);
  image.data.fill(255);
  masks.forEach((m, b) => {
    const top = Math.round(b * band);
    const bottom = Math.round((b + 1) * band) - 2;
    let dropped = 0;
    for (let i = 0; i < m.bits.length; i++) dropped += 1 - m.bits[i];
    // Nearest unit and sample for each pixel of the band; kept: dark blue, dropped: light.
    for (let py = top; py < bottom; py++) {
      const row = Math.min(m.rows - 1, Math.floor(((py - top) / (bottom - top)) * m.rows));
      for (let px = 0; px < canvas.width; px++) {
        const col = Math.min(m.cols - 1, Math.floor((px / canvas.width) * m.cols));
        const k = 4 * (py * canvas.width + px);
        const keep = m.bits[row * m.cols + col] === 1;
        image.data[k] = keep ? 20 : 235;
        image.data[k + 1] = keep ? 60 : 235;
        image.data[k + 2] = keep ? 110 : 240;
        image.data[k + 3] = 255;
      }
    }
    captions.push(`${m.name}: ${m.rows} samples x ${m.cols} units, ${((100 * dropped) / m.bits.length).toFixed(1)}% dropped (rate ${m.rate})`);
  });
  ctx.putImageData(image, 0, 0);
  setText($('maskCaption'), `Dropout masks of the last step (dark: kept). ${captions.join('; ')}.`);
}

let lastStatus = '';
function drawStatus() {
  const h = state.history;
  const last = (a) => (a.length ? a[a.length - 1] : NaN);
  const f = (v, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : '-');
  const what = state.presetRunning ? 'case study running' : state.preset !== null ? 'case study done' : state.playing ? 'training' : state.finished ? 'done' : 'paused';
  const text =
    `${what} | epoch ${state.epoch} | loss ${f(last(h.loss))} / test ${f(last(h.valLoss))} | ` +
    `accuracy ${f(last(h.acc), 3)} / test ${f(last(h.valAcc), 3)} | ${fps.toFixed(0)} fps`;
  // Only a changed text is written (a write per animation frame would lay out and paint the page each time).
  if (text !== lastStatus) {
    lastStatus = text;
    $('status').textContent = text;
    $('env').textContent = `Lamina in a module Web Worker; threads: ${state.threads ?? '?'}; cross-origin isolated: worker ${state.isolated ?? '?'}, page ${self.crossOriginIsolated}.`;
  }
}

function draw() {
  drawBoundary();
  if (state.mcDirty) {
    state.mcDirty = false;
    drawUncertainty();
  }
  drawHistory();
  drawMasks();
}

// The animation loop: counts frames, ticks the worker while playing, draws when something new came.
let fps = 0;
let fpsFrames = 0;
let fpsSince = performance.now();
function loop(now) {
  state.rafCount++;
  fpsFrames++;
  if (now - fpsSince >= 500) {
    fps = (1000 * fpsFrames) / (now - fpsSince);
    fpsFrames = 0;
    fpsSince = now;
  }
  if (state.playing && !state.tickPending && state.preset === null) {
    state.tickPending = true;
    worker.postMessage({ type: 'tick' });
  }
  if (state.dirty) {
    state.dirty = false;
    const t0 = performance.now();
    draw();
    state.drawMs = 0.9 * state.drawMs + 0.1 * (performance.now() - t0);
  }
  drawStatus();
  const done = afterDraw;
  afterDraw = [];
  for (const resolve of done) resolve();
  requestAnimationFrame(loop);
}
requestAnimationFrame(loop);

/** Counts animation frames over `ms` milliseconds: frames per second. */
function measureFps(ms = 1000) {
  const start = state.rafCount;
  const t0 = performance.now();
  return new Promise((resolve) => setTimeout(() => resolve((1000 * (state.rafCount - start)) / (performance.now() - t0)), ms));
}

// ---------------------------------------------------------------------------------------------
// Test hook and start

const ready = configure(readControls());

window.playground = {
  /** Resolves once the first session is drawn. */
  ready,
  configure,
  /** A new session with the hidden layers' dropout rate set to `rate`. */
  setDropout: (rate) => configure({ rate }),
  train,
  play,
  pause,
  step,
  reset: () => configure(),
  runPreset,
  measureFps,
  /** The dropout masks of the last step, as drawn: per Dropout layer, rows x cols bits (1 kept). */
  maskBits: () => state.masks.map((m) => ({ name: m.name, rate: m.rate, rows: m.rows, cols: m.cols, bits: Array.from(m.bits) })),
  /** The labels of the training rows (the first nTrain). */
  trainLabels: () => (state.data ? Array.from(state.data.labels.subarray(0, state.data.nTrain)) : []),
  /** The decision-boundary canvas's pixels (RGBA, row-major), as drawn. */
  boundaryPixels: () => Array.from(context2d($('boundary')).getImageData(0, 0, $('boundary').width, $('boundary').height).data),
  /** A snapshot of what the page shows (arrays copied). */
  state: () => ({
    config: state.config,
    epoch: state.epoch,
    playing: state.playing,
    presetRunning: state.presetRunning,
    finished: state.finished,
    history: { loss: state.history.loss.slice(), acc: state.history.acc.slice(), valLoss: state.history.valLoss.slice(), valAcc: state.history.valAcc.slice() },
    grid: state.frame ? Array.from(state.frame.grid) : null,
    res: state.frame ? state.frame.res : null,
    mc: state.mc ? { res: state.mc.res, samples: state.mc.samples, mean: Array.from(state.mc.mean), std: Array.from(state.mc.std) } : null,
    masks: state.masks.map((m) => ({ name: m.name, rate: m.rate, rows: m.rows, cols: m.cols, kept: m.bits.reduce((a, b) => a + b, 0) })),
    presetResults: state.presetResults,
    threads: state.threads,
    isolated: state.isolated,
    fps,
    drawMs: state.drawMs,
    errors: state.errors.slice(),
  }),
};
