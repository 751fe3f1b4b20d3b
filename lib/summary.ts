/** `model.summary()`: Keras' table of layers, output shapes and parameter counts. */
import { Layer } from './layer';

/** What the summary needs of a model. */
export interface Summarizable {
  readonly name: string;
  readonly layers: readonly Layer[];
}

/** 1500 -> "1,500". */
function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The Keras summary as text: one row per layer (name and class, output shape with `None` for
 * the batch axis, parameter count), then the totals, trainable and non-trainable.
 */
export function summaryText(model: Summarizable, width = 65): string {
  const columns = [Math.floor(width * 0.45), Math.floor(width * 0.4), width - Math.floor(width * 0.45) - Math.floor(width * 0.4)];
  const row = (cells: string[]) => cells.map((c, i) => ` ${c}`.padEnd(columns[i])).join('').trimEnd();
  const lines = [`Model: "${model.name}"`, '_'.repeat(width), row(['Layer (type)', 'Output Shape', 'Param #']), '='.repeat(width)];
  let trainable = 0;
  let frozen = 0;
  // One row per layer, a blank line between layers as Keras prints them.
  model.layers.forEach((layer, i) => {
    const params = layer.countParams();
    if (layer.trainable) trainable += params;
    else frozen += params;
    const shape = `(None, ${(layer.outputShape ?? []).join(', ')})`;
    lines.push(row([`${layer.name} (${layer.className})`, shape, String(params)]));
    lines.push(i === model.layers.length - 1 ? '='.repeat(width) : '');
  });
  lines.push(`Total params: ${grouped(trainable + frozen)}`, `Trainable params: ${grouped(trainable)}`, `Non-trainable params: ${grouped(frozen)}`, '_'.repeat(width));
  return lines.join('\n');
}
