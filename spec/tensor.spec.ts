import ndarray from 'ndarray';
import { Tensor } from '../lib/tensor';

describe('Tensor', () => {
  it('is built from nested arrays and gives them back', () => {
    const t = Tensor.from([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(t.get(1, 2)).toBe(6);
  });

  it('is built from a Float32Array with a shape, an ndarray (even a transposed view) or a Tensor', () => {
    const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect(new Tensor(data, [3, 2]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(Tensor.from({ data, shape: [2, 3] }).get(1, 0)).toBe(4);
    const nd = ndarray(data, [2, 3]).transpose(1, 0);
    expect(Tensor.from(nd).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    const t = new Tensor(data, [6]);
    expect(Tensor.from(t)).toBe(t);
  });

  it('slices rows as views of the same memory', () => {
    const t = Tensor.from([[1, 2], [3, 4], [5, 6]]);
    const view = t.rows(1, 3);
    expect(view.shape).toEqual([2, 2]);
    view.data[0] = 30;
    expect(t.get(1, 0)).toBe(30);
    expect(t.nd.get(1, 0)).toBe(30);
    expect(() => t.rows(2, 4)).toThrow(/rows 2..4 outside a tensor of shape \[3, 2\]/);
  });

  it('rejects ragged arrays, non-numbers and mismatched sizes with the argument named', () => {
    expect(() => Tensor.from([[1, 2], [3]], 'x')).toThrow(/x: ragged nested array: x\[1\] should be an array of length 2/);
    expect(() => Tensor.from([[1, 'a']] as never, 'x')).toThrow(/x: expected a number at x\[0\]\[1\], got the string 'a'/);
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow(/shape \[2, 3\] holds 6 elements but the data has 5/);
    expect(() => Tensor.from('abc' as never, 'y')).toThrow(/y: expected nested arrays of numbers/);
  });
});
