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
  const done = new Set<Node>();
  const reached = new Set<SymbolicTensor>();
  // Depth-first from each output with an explicit stack (a deep chain must not overflow the call
  // stack); a node is placed after every node it reads (post-order). A cycle cannot occur: a node
  // only reads tensors that existed before it.
  for (const output of outputs) {
    const stack: { node: Node; next: number }[] = [];
    const enter = (t: SymbolicTensor): void => {
      if (inputSet.has(t)) {
        reached.add(t);
        return;
      }
      if (t.node.layer instanceof InputLayer) {
        throw new Error(
          `${where}: the output '${output.name}' depends on the input '${t.name}', which is not among the model's inputs (${inputs.map((i) => `'${i.name}'`).join(', ')}); add it to inputs`,
        );
      }
      if (!done.has(t.node)) stack.push({ node: t.node, next: 0 });
    };
    enter(output);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.node.inputs.length) enter(top.node.inputs[top.next++]);
      else {
        stack.pop();
        if (!done.has(top.node)) {
          done.add(top.node);
          order.push(top.node);
        }
      }
    }
  }
  inputs.forEach((t) => {
    if (!reached.has(t)) throw new Error(`${where}: the input '${t.name}' is not used by any output; remove it from inputs, or connect it`);
  });
  const layers: Layer[] = [];
  for (const t of inputs) layers.push(t.sourceLayer);
  for (const node of order) if (!layers.includes(node.layer)) layers.push(node.layer);
  return { nodes: order, layers };
}
