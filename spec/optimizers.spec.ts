import { Adam, Optimizer, resolveOptimizer, RMSprop, SGD } from '../lib/optimizers';
import { Tensor } from '../lib/tensor';
import { expectClose, loadFixture } from './helpers/fixtures';

const fixture = loadFixture('optimizers') as Record<string, any>;

function make(name: string, config: Record<string, number | boolean>): Optimizer {
  const lr = config.learning_rate as number;
  if (name.startsWith('adam')) return new Adam({ learningRate: lr, beta1: config.beta_1 as number, beta2: config.beta_2 as number, epsilon: config.epsilon as number });
  if (name.startsWith('sgd')) return new SGD({ learningRate: lr, momentum: config.momentum as number, nesterov: Boolean(config.nesterov) });
  return new RMSprop({ learningRate: lr, rho: config.rho as number, epsilon: config.epsilon as number });
}

describe('optimizers against the reference runs (optimizers.json)', () => {
  const runs = Object.keys(fixture).filter((k) => k !== 'w0' && k !== 'grads');
  it('has the six runs', () => expect(runs.sort()).toEqual(['adam', 'adam_fast', 'rmsprop', 'sgd', 'sgd_momentum', 'sgd_nesterov']));
  it.each(runs)('%s: weights after each of three steps, to 1e-5', (name) => {
    const w = Tensor.from(fixture.w0 as number[]);
    const optimizer = make(name, fixture[name].config);
    fixture.grads.forEach((g: number[], step: number) => {
      w.grad = Float32Array.from(g);
      optimizer.step([w]);
      expectClose(w.data, fixture[name].weights[step], { rtol: 1e-5, atol: 1e-6 });
    });
    expect(optimizer.iterations).toBe(3);
  });
});

describe('optimizer options', () => {
  it('has Keras defaults', () => {
    const adam = new Adam();
    expect([adam.learningRate, adam.beta1, adam.beta2, adam.epsilon]).toEqual([0.001, 0.9, 0.999, 1e-7]);
    expect(new SGD().learningRate).toBe(0.01);
    expect(new RMSprop().rho).toBe(0.9);
  });
  it('resolves names in any case and passes objects through', () => {
    expect(resolveOptimizer('adam')).toBeInstanceOf(Adam);
    expect(resolveOptimizer('Adam')).toBeInstanceOf(Adam);
    expect(resolveOptimizer('RMSprop')).toBeInstanceOf(RMSprop);
    const sgd = new SGD({ learningRate: 0.1 });
    expect(resolveOptimizer(sgd)).toBe(sgd);
  });
  it('rejects bad values with messages naming them', () => {
    expect(() => resolveOptimizer('adamw')).toThrow("Unknown optimizer 'adamw'; known: sgd, adam, rmsprop");
    expect(() => new Adam({ learningRate: -1 })).toThrow(/Adam: learningRate must be a positive number, got -1/);
    expect(() => new Adam({ beta1: 1 })).toThrow(/beta1 must be in \[0, 1\)/);
    expect(() => new SGD({ momentum: 2 })).toThrow(/momentum must be in \[0, 1\], got 2/);
  });
});
