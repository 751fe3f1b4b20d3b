import { RandomStream } from '../lib/random';

describe('RandomStream', () => {
  it('gives the same numbers for the same seed and different ones for another', () => {
    const a = new RandomStream(42);
    const b = new RandomStream(42);
    const c = new RandomStream(43);
    const draw = (r: RandomStream) => Array.from({ length: 5 }, () => r.uniform());
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
  });

  it('derives independent named streams', () => {
    const root = new RandomStream('model');
    expect(root.derive('init').uniform()).toBe(new RandomStream('model/init').uniform());
    expect(root.derive('init').uniform()).not.toBe(root.derive('shuffle').uniform());
  });

  it('draws uniforms in [0, 1) and standard normals with the right moments', () => {
    const r = new RandomStream(7);
    let s = 0;
    let s2 = 0;
    const n = 200000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(outside).toBe(0);
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });

  it('shuffles into a permutation', () => {
    const a = new RandomStream(1).shuffle(Int32Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(a)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
