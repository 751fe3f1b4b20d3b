/** `model.summary()`: Keras' table of layers, output shapes, parameter counts (and, for a functional model, connections). */
import { InputLayer } from './graph/input';
import type { Node } from './graph/symbolic';
import { Layer } from './layer';

/** What the summary needs of a model. */
export interface Summarizable {
  readonly name: string;
  readonly layers: readonly Layer[];
  /** The graph's nodes (a functional model's table lists what each layer is connected to). */
  readonly nodes: readonly Node[];
}

/** 1500 -> "1,500". */
function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The Keras summary as text: one row per layer (name and class, output shape with `None` for
 * the batch axis, parameter count; for a functional model, the layers' tensors it reads as
 * `layer[node][tensor]`, one per line), then the totals, trainable and non-trainable.
 */
export function summaryText(model: Summarizable, width?: number): string {
  const functional = model.layers.some((l) => l instanceof InputLayer);
  const total = width ?? (functional ? 98 : 65);
  const fractions = functional ? [0.3, 0.25, 0.12] : [0.45, 0.4];
  const columns = fractions.map((f) => Math.floor(total * f));
  columns.push(total - columns.reduce((a, b) => a + b, 0));
  const row = (cells: string[]) => cells.map((c, i) => ` ${c}`.padEnd(columns[i])).join('').trimEnd();
  const header = functional ? ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'] : ['Layer (type)', 'Output Shape', 'Param #'];
  const lines = [`Model: "${model.name}"`, '_'.repeat(total), row(header), '='.repeat(total)];
  let trainable = 0;
  let frozen = 0;
  // One row per layer, a blank line between layers as Keras prints them.
  model.layers.forEach((layer, i) => {
    const params = layer.countParams();
    const learnt = layer.countTrainableParams();
    trainable += learnt;
    frozen += params - learnt;
    const shape = `(None, ${(layer.outputShape ?? []).join(', ')})`;
    const cells = [`${layer.name} (${layer.className})`, shape, String(params)];
    if (!functional) lines.push(row(cells));
    else {
      // The tensors each of its nodes in this model reads, one per line.
      const reads = model.nodes.filter((n) => n.layer === layer).flatMap((n) => n.inputs.map((t) => `${t.sourceLayer.name}[${t.node.index}][0]`));
      lines.push(row([...cells, reads[0] ?? '']));
      for (const r of reads.slice(1)) lines.push(row(['', '', '', r]));
    }
    lines.push(i === model.layers.length - 1 ? '='.repeat(total) : '');
  });
  lines.push(`Total params: ${grouped(trainable + frozen)}`, `Trainable params: ${grouped(trainable)}`, `Non-trainable params: ${grouped(frozen)}`, '_'.repeat(total));
  return lines.join('\n');
}
