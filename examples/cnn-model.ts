/**
 * The digits CNN of issue 4: Conv2D(32, 3, relu) -> Conv2D(32, 3, relu) -> MaxPooling2D ->
 * {nothing | Dropout(0.5) | SpatialDropout2D(0.5) | BatchNormalization | BatchNormalization ->
 * Dropout(0.5)} -> Flatten -> Dense(10, softmax), Adam,
 * categorical cross-entropy. Input [batch, 28, 28, 1] -> output [batch, 10].
 */
import { BatchNormalization, Conv2D, Dense, Dropout, Flatten, MaxPooling2D, Sequential, SpatialDropout2D } from '../index';

/** Which regularisation follows the pooling layer. */
export type CnnVariant = 'none' | 'dropout' | 'spatial' | 'bn' | 'bn-dropout';

/** The label of a variant in tables and plots. */
export const VARIANT_NAMES: Record<CnnVariant, string> = {
  none: 'no dropout',
  dropout: 'Dropout(0.5)',
  spatial: 'SpatialDropout2D(0.5)',
  bn: 'BatchNormalization',
  'bn-dropout': 'BatchNorm -> Dropout(0.5)',
};

/** A compiled digits CNN with the given regularisation and seed. */
export function digitsCnn(seed: number, variant: CnnVariant = 'dropout'): Sequential {
  const model = new Sequential({ seed });
  model.add(new Conv2D(32, 3, { activation: 'relu', inputShape: [28, 28, 1] }));
  model.add(new Conv2D(32, 3, { activation: 'relu' }));
  model.add(new MaxPooling2D());
  if (variant === 'dropout') model.add(new Dropout(0.5));
  if (variant === 'spatial') model.add(new SpatialDropout2D(0.5));
  if (variant === 'bn' || variant === 'bn-dropout') model.add(new BatchNormalization());
  if (variant === 'bn-dropout') model.add(new Dropout(0.5));
  model.add(new Flatten());
  model.add(new Dense(10, { activation: 'softmax' }));
  model.compile({ loss: 'categorical_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  return model;
}
