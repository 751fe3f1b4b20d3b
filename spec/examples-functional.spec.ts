/**
 * The functional-API examples run and learn: the residual MLP on make_moons (examples/residual-moons.ts)
 * and the two-input model on the circles (examples/two-input.ts), on short runs.
 */
import { residualModel, runResidual } from '../examples/residual-moons';
import { radii, runTwoInput, twoInputModel } from '../examples/two-input';
import { Add, Concatenate, Tensor } from '../index';

describe('examples/residual-moons.ts', () => {
  it('is a residual graph (an Add of the hidden layer and its branch) and learns the moons', async () => {
    const model = residualModel(1, 0.5);
    expect(model.layers.map((l) => l.className)).toEqual(['InputLayer', 'Dense', 'Dropout', 'Dense', 'Add', 'Dense']);
    const add = model.layers.find((l) => l instanceof Add);
    expect(add?.inboundNodes[0].inputs.map((t) => t.sourceLayer.className)).toEqual(['Dense', 'Dense']);
    const { train, test } = await runResidual(1, 0.5, 150);
    expect(train).toBeGreaterThan(0.8);
    expect(test).toBeGreaterThan(0.8);
  }, 20000);
});

describe('examples/two-input.ts', () => {
  it('joins two inputs with Concatenate and learns the circles from points and radii', async () => {
    const model = twoInputModel(1);
    expect(model.inputNames).toEqual(['point', 'radius']);
    expect(model.layers.some((l) => l instanceof Concatenate)).toBe(true);
    expect(Array.from(radii(Tensor.from([[3, 4]])).data)).toEqual([5]);
    const { train, test } = await runTwoInput(1, 1000);
    expect(train).toBeGreaterThan(0.8);
    expect(test).toBeGreaterThan(0.7);
  }, 20000);
});
