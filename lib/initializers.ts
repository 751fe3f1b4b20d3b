/**
 * Weight initializers, Keras' definitions. Each fills a tensor from a seeded stream; fans are
 * computed as Keras does: for a kernel [..receptive field.., in, out], fanIn = field * in and
 * fanOut = field * out.
 */
import { lookUpName } from './names';
import { checkOptions, optionKeys } from './options';
import { RandomStream } from './random';
import { Tensor } from './tensor';

/** Fills a weight tensor with its initial values. */
export interface Initializer {
  /** The Keras class name, e.g. `GlorotUniform`. */
  readonly className: string;
  /** Its Keras config (snake_case), as a saved model stores it. */
  readonly config: Record<string, unknown>;
  fill(w: Tensor, random: RandomStream): void;
}

/** [fanIn, fanOut] of a weight shape, as Keras computes them. */
export function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  let field = 1;
  for (let i = 0; i < shape.length - 2; i++) field *= shape[i];
  return [field * shape[shape.length - 2], field * shape[shape.length - 1]];
}

function make(className: string, fill: (w: Tensor, random: RandomStream) => void, config: Record<string, unknown> = {}): Initializer {
  return { className, fill, config };
}

/** Every element equal to `value`. */
export const constant = (value: number): Initializer => make('Constant', (w) => w.data.fill(value), { value });
export const zeros = (): Initializer => make('Zeros', (w) => w.data.fill(0));
export const ones = (): Initializer => make('Ones', (w) => w.data.fill(1));

/** Options of `randomUniform`. */
export interface RandomUniformArgs {
  minval?: number;
  maxval?: number;
}

/** Options of `randomNormal` and `truncatedNormal`. */
export interface RandomNormalArgs {
  mean?: number;
  stddev?: number;
}

/** Options of `varianceScaling`. */
export interface VarianceScalingArgs {
  scale?: number;
  mode?: 'fan_in' | 'fan_out' | 'fan_avg';
  distribution?: 'truncated_normal' | 'uniform' | 'untruncated_normal';
}

const UNIFORM_KEYS = optionKeys<RandomUniformArgs>({ minval: true, maxval: true });
const NORMAL_KEYS = optionKeys<RandomNormalArgs>({ mean: true, stddev: true });
const SCALING_KEYS = optionKeys<VarianceScalingArgs>({ scale: true, mode: true, distribution: true });
const ORTHOGONAL_KEYS = optionKeys<{ gain?: number }>({ gain: true });

/** Uniform in [minval, maxval) (Keras default ±0.05). */
export const randomUniform = (args: RandomUniformArgs = {}): Initializer => {
  const { minval = -0.05, maxval = 0.05 } = checkOptions('randomUniform', args, UNIFORM_KEYS);
  return make(
    'RandomUniform',
    (w, r) => {
      for (let i = 0; i < w.size; i++) w.data[i] = r.uniformIn(minval, maxval);
    },
    { minval, maxval, seed: null },
  );
};

/** Normal with `mean` and `stddev` (Keras default 0, 0.05). */
export const randomNormal = (args: RandomNormalArgs = {}): Initializer => {
  const { mean = 0, stddev = 0.05 } = checkOptions('randomNormal', args, NORMAL_KEYS);
  return make(
    'RandomNormal',
    (w, r) => {
      for (let i = 0; i < w.size; i++) w.data[i] = mean + stddev * r.normal();
    },
    { mean, stddev, seed: null },
  );
};

/** Normal truncated at two standard deviations. */
export const truncatedNormal = (args: RandomNormalArgs = {}): Initializer => {
  const { mean = 0, stddev = 0.05 } = checkOptions('truncatedNormal', args, NORMAL_KEYS);
  return make(
    'TruncatedNormal',
    (w, r) => {
      for (let i = 0; i < w.size; i++) w.data[i] = mean + stddev * r.truncatedNormal();
    },
    { mean, stddev, seed: null },
  );
};

/** Keras' VarianceScaling: the family behind glorot, he and lecun. */
export function varianceScaling(className: string, args: VarianceScalingArgs): Initializer {
  const { scale = 1, mode = 'fan_in', distribution = 'truncated_normal' } = checkOptions('varianceScaling', args, SCALING_KEYS);
  const config = className === 'VarianceScaling' ? { scale, mode, distribution, seed: null } : { seed: null };
  return make(className, (w, r) => {
    const [fanIn, fanOut] = fans(w.shape);
    const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const variance = scale / Math.max(1, n);
    if (distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      for (let i = 0; i < w.size; i++) w.data[i] = r.uniformIn(-limit, limit);
    } else if (distribution === 'truncated_normal') {
      // 0.879... is the stddev of a unit normal truncated to [-2, 2]
      const std = Math.sqrt(variance) / 0.8796256610342398;
      for (let i = 0; i < w.size; i++) w.data[i] = std * r.truncatedNormal();
    } else {
      const std = Math.sqrt(variance);
      for (let i = 0; i < w.size; i++) w.data[i] = std * r.normal();
    }
  }, config);
}

/** U(-limit, limit), limit = sqrt(6 / (fanIn + fanOut)): Keras' default kernel initializer. */
export const glorotUniform = (): Initializer => varianceScaling('GlorotUniform', { mode: 'fan_avg', distribution: 'uniform' });
export const glorotNormal = (): Initializer => varianceScaling('GlorotNormal', { mode: 'fan_avg' });
export const heNormal = (): Initializer => varianceScaling('HeNormal', { scale: 2 });
export const heUniform = (): Initializer => varianceScaling('HeUniform', { scale: 2, distribution: 'uniform' });
export const lecunNormal = (): Initializer => varianceScaling('LecunNormal', {});
export const lecunUniform = (): Initializer => varianceScaling('LecunUniform', { distribution: 'uniform' });

/**
 * A (semi-)orthogonal matrix times `gain`: the Q of a QR decomposition of a normal matrix, with
 * the signs of R's diagonal folded in (Keras' recurrent kernel default). Shapes of rank > 2 are
 * flattened to [prod(all but last), last].
 */
export const orthogonal = (args: { gain?: number } = {}): Initializer => {
  const { gain = 1 } = checkOptions('orthogonal', args, ORTHOGONAL_KEYS);
  return make('Orthogonal', (w, r) => {
    const cols = w.shape[w.shape.length - 1];
    const rows = w.size / cols;
    // Orthonormalise the columns of a tall matrix (transposed if the shape is wide).
    const tall = rows >= cols;
    const n = tall ? rows : cols;
    const k = tall ? cols : rows;
    const q = new Float64Array(n * k); // q[i * k + j]: column j, row i
    for (let i = 0; i < q.length; i++) q[i] = r.normal();
    // Modified Gram-Schmidt, column by column; sign(R_jj) is kept by not flipping.
    for (let j = 0; j < k; j++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += q[i * k + j] * q[i * k + p];
        for (let i = 0; i < n; i++) q[i * k + j] -= dot * q[i * k + p];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += q[i * k + j] * q[i * k + j];
      norm = Math.sqrt(norm);
      for (let i = 0; i < n; i++) q[i * k + j] /= norm;
    }
    // Write Q (or its transpose) scaled by the gain.
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) w.data[i * cols + j] = gain * (tall ? q[i * k + j] : q[j * k + i]);
    }
  }, { gain, seed: null });
};

const KNOWN: Record<string, () => Initializer> = {
  zeros: zeros,
  ones: ones,
  glorot_uniform: glorotUniform,
  glorot_normal: glorotNormal,
  he_normal: heNormal,
  he_uniform: heUniform,
  lecun_normal: lecunNormal,
  lecun_uniform: lecunUniform,
  random_normal: () => randomNormal(),
  random_uniform: () => randomUniform(),
  truncated_normal: () => truncatedNormal(),
  orthogonal: () => orthogonal(),
};

/** An initializer object as it is, or a name in either spelling (`'glorotUniform'`, `'he_normal'`). */
export function resolveInitializer(init: unknown, where = 'initializer'): Initializer {
  if (typeof init === 'object' && init !== null && typeof (init as Initializer).fill === 'function') return init as Initializer;
  return lookUpName(where, init, KNOWN)();
}
