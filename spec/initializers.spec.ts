import { fans, glorotUniform, heNormal, orthogonal, randomNormal, randomUniform, resolveInitializer, zeros } from '../lib/initializers';
import { RandomStream } from '../lib/random';
import { Tensor } from '../lib/tensor';

function moments(t: Tensor): [number, number] {
  let s = 0;
  let s2 = 0;
  for (const v of t.data) {
    s += v;
    s2 += v * v;
  }
  const m = s / t.size;
  return [m, s2 / t.size - m * m];
}

describe('initializers', () => {
  it('computes fans as Keras does', () => {
    expect(fans([3, 5])).toEqual([3, 5]);
    expect(fans([3, 3, 4, 8])).toEqual([36, 72]);
  });

  it('glorotUniform draws from U(-sqrt(6/(in+out)), +sqrt(6/(in+out)))', () => {
    const w = Tensor.zeros([200, 300]);
    glorotUniform().fill(w, new RandomStream(1));
    const limit = Math.sqrt(6 / 500);
    const [m, v] = moments(w);
    expect(Math.max(...w.data.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.abs(m)).toBeLessThan(0.002);
    expect(v).toBeCloseTo(limit ** 2 / 3, 4);
  });

  it('heNormal has variance 2 / fanIn, truncated at two standard deviations', () => {
    const w = Tensor.zeros([100, 1000]);
    heNormal().fill(w, new RandomStream(2));
    const [m, v] = moments(w);
    expect(Math.abs(m)).toBeLessThan(0.002);
    expect(v / (2 / 100)).toBeCloseTo(1, 1);
    const bound = (2 * Math.sqrt(2 / 100)) / 0.8796256610342398;
    expect(Math.max(...w.data.map(Math.abs))).toBeLessThanOrEqual(bound * 1.0001);
  });

  it('randomNormal and randomUniform use their arguments', () => {
    const a = Tensor.zeros([100000]);
    randomNormal({ mean: 1, stddev: 0.5 }).fill(a, new RandomStream(3));
    const [m, v] = moments(a);
    expect(m).toBeCloseTo(1, 2);
    expect(v).toBeCloseTo(0.25, 2);
    const b = Tensor.zeros([1000]);
    randomUniform({ minval: 2, maxval: 3 }).fill(b, new RandomStream(4));
    expect(Math.min(...b.data)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...b.data)).toBeLessThan(3);
  });

  it.each([[8, 8], [12, 5], [5, 12]])('orthogonal [%i, %i] has orthonormal columns (or rows when wide)', (rows, cols) => {
    const w = Tensor.zeros([rows, cols]);
    orthogonal().fill(w, new RandomStream(5));
    const tall = rows >= cols;
    const k = tall ? cols : rows;
    // Gram matrix of the columns (tall) or the rows (wide) is the identity
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let dot = 0;
        for (let i = 0; i < (tall ? rows : cols); i++) dot += tall ? w.get(i, a) * w.get(i, b) : w.get(a, i) * w.get(b, i);
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 5);
      }
    }
  });

  it('resolves names in both spellings and rejects unknown ones', () => {
    expect(resolveInitializer('glorotUniform').className).toBe('GlorotUniform');
    expect(resolveInitializer('he_normal').className).toBe('HeNormal');
    const z = zeros();
    expect(resolveInitializer(z)).toBe(z);
    expect(() => resolveInitializer('xavier')).toThrow(/Unknown initializer 'xavier'; known: zeros, ones, glorot_uniform/);
  });
});
