/**
 * A functional model's graph as Keras and TensorFlow.js write it in model.json
 * (`class_name: 'Model'`): every layer with its config and `inbound_nodes`, each node a list of
 * the tensors it reads as `[layerName, nodeIndex, tensorIndex, {}]`, and the model's
 * `input_layers` and `output_layers` in the same form. Node indices count only the nodes that
 * belong to this model (a layer may also have been applied in another graph).
 */
import type { TopologyJson } from '../io/artifacts';
import type { Layer } from '../layer';
import { Node, SymbolicTensor } from './symbolic';

/** The `class_name: 'Model'` topology of a graph with these layers, nodes (in running order), inputs and outputs. */
export function functionalTopology(name: string, layers: readonly Layer[], nodes: readonly Node[], inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): TopologyJson {
  const inModel = new Set<Node>([...inputs.map((t) => t.node), ...nodes]);
  // Each node's index among its layer's nodes in this model, in the order the layer made them.
  const localIndex = new Map<Node, number>();
  for (const layer of layers) {
    let k = 0;
    for (const node of layer.inboundNodes) if (inModel.has(node)) localIndex.set(node, k++);
  }
  const ref = (t: SymbolicTensor): [string, number, number] => [t.sourceLayer.name, localIndex.get(t.node) as number, 0];
  return {
    class_name: 'Model',
    config: {
      name,
      layers: layers.map((layer) => ({
        name: layer.name,
        class_name: layer.className,
        config: layer.getConfig(),
        inbound_nodes: layer.inboundNodes.filter((n) => inModel.has(n) && n.inputs.length > 0).map((n) => n.inputs.map((t) => [...ref(t), {}] as [string, number, number, Record<string, unknown>])),
      })),
      input_layers: inputs.map(ref),
      output_layers: outputs.map(ref),
    },
  };
}
