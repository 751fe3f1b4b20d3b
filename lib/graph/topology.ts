/**
 * The part of a layer graph between a model's inputs and outputs, in the order it runs: each
 * node after the nodes that make its inputs. Computed once, when the model is made.
 */
import type { Layer } from '../layer';
import { InputLayer } from './input';
import { Node, SymbolicTensor } from './symbolic';

/** A model's graph: its nodes in running order and its layers in Keras' order. */
export interface Topology {
  /** The nodes to run, inputs first (each after those it reads); Input nodes are not included. */
  nodes: Node[];
  /** Every layer once, in the order of its first node, the InputLayers first (Keras' `model.layers`). */
  layers: Layer[];
}

/**
 * Walks back from `outputs` to `inputs` and orders the nodes found. Errors: an output that
 * depends on an Input the model is not given, an input no output depends on, the same tensor
 * given twice as an input.
 */
export function topologyOf(where: string, inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): Topology {
  inputs.forEach((t, i) => {
    if (!(t.sourceLayer instanceof InputLayer)) {
      throw new Error(`${where}: inputs[${i}] ('${t.name}') is not a model input; make inputs with Input({ shape })`);
    }
    if (inputs.indexOf(t) !== i) throw new Error(`${where}: the input '${t.name}' is given twice`);
  });
  const inputSet = new Set(inputs);
  const order: Node[] = [];
  const state = new Map<Node, 'visiting' | 'done'>();
  const reached = new Set<SymbolicTensor>();
  // Depth-first from each output; a node is placed after every node it reads (post-order).
  const visit = (t: SymbolicTensor, output: SymbolicTensor): void => {
    if (inputSet.has(t)) {
      reached.add(t);
      return;
    }
    const node = t.node;
    if (node.layer instanceof InputLayer) {
      throw new Error(
        `${where}: the output '${output.name}' depends on the input '${t.name}', which is not among the model's inputs (${inputs.map((i) => `'${i.name}'`).join(', ')}); add it to inputs`,
      );
    }
    if (state.get(node) === 'done') return;
    // 'visiting' again would be a cycle, which `apply` cannot make (a node only reads older tensors).
    state.set(node, 'visiting');
    for (const input of node.inputs) visit(input, output);
    state.set(node, 'done');
    order.push(node);
  };
  for (const output of outputs) visit(output, output);
  inputs.forEach((t) => {
    if (!reached.has(t)) throw new Error(`${where}: the input '${t.name}' is not used by any output; remove it from inputs, or connect it`);
  });
  const layers: Layer[] = [];
  for (const t of inputs) layers.push(t.sourceLayer);
  for (const node of order) if (!layers.includes(node.layer)) layers.push(node.layer);
  return { nodes: order, layers };
}
