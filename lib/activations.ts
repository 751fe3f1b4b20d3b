/** Activations by name (Keras spellings and camelCase). The kernels are in `kernels/activations.ts`. */
import { ActivationName } from '../kernels/activations';
import { lookUpName } from './names';

export type { ActivationName };

const KNOWN: Record<string, ActivationName> = {
  linear: 'linear',
  relu: 'relu',
  sigmoid: 'sigmoid',
  hard_sigmoid: 'hard_sigmoid',
  hardsigmoid: 'hard_sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  elu: 'elu',
  selu: 'selu',
  softplus: 'softplus',
  softsign: 'softsign',
};

/** `'relu'`, `'Sigmoid'`... -> the kernel's name; undefined/null -> `'linear'`; unknown -> Error listing the known ones. */
export function resolveActivation(name: unknown, where = 'activation'): ActivationName {
  if (name === undefined || name === null) return 'linear';
  return lookUpName(`${where}`, typeof name === 'string' ? name.toLowerCase() : name, KNOWN);
}
