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
  /**
   * Every layer once, in Keras' and TensorFlow.js's `model.layers` order (see `kerasLayerOrder`):
   * the order of `getWeights`, of the saved layers and weights, and of the summary.
   */
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
  /** Every node in post-order, the inputs' nodes included (for the layer order). */
  const post: Node[] = [];
  /** Each layer's position in the walk's pre-order (when its first node is entered). */
  const visit = new Map<Layer, number>();
  const seen = (layer: Layer): void => {
    if (!visit.has(layer)) visit.set(layer, visit.size);
  };
  // Depth-first from each output with an explicit stack (a deep chain must not overflow the call
  // stack); a node is placed after every node it reads (post-order). A cycle cannot occur: a node
  // only reads tensors that existed before it.
  for (const output of outputs) {
    const stack: { node: Node; next: number }[] = [];
    const enter = (t: SymbolicTensor): void => {
      if (inputSet.has(t)) {
        reached.add(t);
        if (!done.has(t.node)) {
          seen(t.sourceLayer);
          done.add(t.node);
          post.push(t.node);
        }
        return;
      }
      if (t.node.layer instanceof InputLayer) {
        throw new Error(
          `${where}: the output '${output.name}' depends on the input '${t.name}', which is not among the model's inputs (${inputs.map((i) => `'${i.name}'`).join(', ')}); add it to inputs`,
        );
      }
      if (!done.has(t.node)) {
        seen(t.sourceLayer);
        stack.push({ node: t.node, next: 0 });
      }
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
          post.push(top.node);
        }
      }
    }
  }
  inputs.forEach((t) => {
    if (!reached.has(t)) throw new Error(`${where}: the input '${t.name}' is not used by any output; remove it from inputs, or connect it`);
  });
  return { nodes: order, layers: kerasLayerOrder(post, visit) };
}

/**
 * The layers of the nodes `post` (every node of the graph, each after the nodes it reads) in
 * Keras' and TensorFlow.js's order (Keras' `_map_graph_network`, TF.js's Container): by depth,
 * deepest first, where a node's depth is the longest path from it to an output and a layer's is
 * that of its deepest node seen so far, walking the nodes from the outputs back (a shared layer
 * raises the depth of the nodes it meets later, as Keras does); layers of equal depth in the
 * order the walk from the outputs first entered them (`visit`). Linear in the nodes, plus a sort.
 */
function kerasLayerOrder(post: readonly Node[], visit: ReadonlyMap<Layer, number>): Layer[] {
  const nodeDepth = new Map<Node, number>();
  const layerDepth = new Map<Layer, number>();
  // Each node from the outputs back: its depth, its layer's, and at least one more for the nodes it reads.
  for (let k = post.length - 1; k >= 0; k--) {
    const node = post[k];
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    for (const t of node.inputs) nodeDepth.set(t.node, Math.max(depth + 1, nodeDepth.get(t.node) ?? 0));
  }
  const rank = (l: Layer): number => visit.get(l) as number;
  return [...layerDepth.keys()].sort((a, b) => (layerDepth.get(b) as number) - (layerDepth.get(a) as number) || rank(a) - rank(b));
}
