/**
 * Rebuilding a functional model's graph from model.json (`class_name: 'Model'`, TensorFlow.js and
 * Keras 2, or Keras 3's `'Functional'`): each layer from its config, each Input from its
 * `batch_input_shape`, then each node by applying its layer to the tensors it names, in as many
 * rounds as the references need (a node may name a layer listed after it). Only shapes are
 * computed: no layer is built, so a hostile file costs nothing until its weights are checked.
 *
 * A node reference is `[layerName, nodeIndex, tensorIndex, kwargs]` (TF.js, Keras 2) or
 * `{ args: [{ config: { keras_history: [layerName, nodeIndex, tensorIndex] } }, ...] }` (Keras 3).
 */
import { Input, InputLayer } from '../lib/graph/input';
import { SymbolicTensor } from '../lib/graph/symbolic';
import { brief, LayerJson, MAX_NODES } from '../lib/io/artifacts';
import { Layer } from '../lib/layer';

/** A functional model's graph, rebuilt: its layers in the file's order, its inputs and outputs. */
export interface FunctionalGraph {
  layers: Layer[];
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
}

/** `[layerName, nodeIndex, tensorIndex]` of one tensor reference, checked. */
type Ref = [string, number, number];

/** The references of one node: a list of `[name, node, tensor, kwargs]`, or Keras 3's `{ args }`. */
function nodeRefs(node: unknown, where: string): Ref[] {
  if (Array.isArray(node)) {
    // A one-input node may be written as one reference instead of a list of one.
    const list = node.length > 0 && typeof node[0] === 'string' ? [node] : node;
    return list.map((r) => checkRef(r, where));
  }
  if (typeof node === 'object' && node !== null && Array.isArray((node as { args?: unknown }).args)) {
    const args = (node as { args: unknown[] }).args;
    const tensors = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    return tensors.map((t) => checkRef((t as { config?: { keras_history?: unknown } })?.config?.keras_history, where));
  }
  throw new Error(`${where}: a node of inbound_nodes should be a list of [layerName, nodeIndex, tensorIndex, kwargs], got ${brief(node)}`);
}

function checkRef(ref: unknown, where: string): Ref {
  if (!Array.isArray(ref) || ref.length < 3 || typeof ref[0] !== 'string' || !Number.isInteger(ref[1]) || ref[1] < 0 || !Number.isInteger(ref[2]) || ref[2] < 0) {
    throw new Error(`${where}: a tensor reference should be [layerName, nodeIndex, tensorIndex], got ${brief(ref)}`);
  }
  return [ref[0], ref[1], ref[2]];
}

/** The per-sample shape an InputLayer config gives (`batch_input_shape` or Keras 3's `batch_shape`). */
function inputShapeOf(config: Record<string, unknown>, where: string): number[] {
  const batch = config.batch_input_shape ?? config.batch_shape;
  if (!Array.isArray(batch) || batch.length < 2 || !batch.slice(1).every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${where}: InputLayer '${String(config.name)}' needs batch_input_shape [null, d1, d2, ...], got ${brief(batch)}`);
  }
  return batch.slice(1) as number[];
}

/** Rebuilds the graph `config` describes; `makeLayer` builds one layer from its `{ class_name, config }`. */
export function graphFromConfig(config: Record<string, unknown>, source: string, makeLayer: (json: LayerJson) => Layer): FunctionalGraph {
  const where = `loadModel: ${source}`;
  const entries = config.layers as unknown[];
  const layers: Layer[] = [];
  const byName = new Map<string, Layer>();
  /** The tensors each layer's nodes made so far, by layer name (node i at index i). */
  const made = new Map<string, SymbolicTensor[]>();
  const pending: { layer: Layer; nodes: Ref[][]; next: number }[] = [];
  // Every layer (an InputLayer as an Input), with the nodes it has to make.
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null) throw new Error(`${where}: each layer should be { class_name, config, name, inbound_nodes }, got ${brief(entry)}`);
    const json = entry as LayerJson & { name?: unknown; inbound_nodes?: unknown };
    const layerConfig = (typeof json.config === 'object' && json.config !== null ? json.config : {}) as Record<string, unknown>;
    const name = typeof json.name === 'string' ? json.name : layerConfig.name;
    if (typeof name !== 'string') throw new Error(`${where}: a layer has no name: ${brief(entry)}`);
    if (byName.has(name)) throw new Error(`${where}: two layers are named '${name}'`);
    let layer: Layer;
    if (json.class_name === 'InputLayer') {
      const t = Input({ shape: inputShapeOf(layerConfig, where), name });
      layer = t.sourceLayer;
      made.set(name, [t]);
    } else {
      layer = makeLayer({ class_name: json.class_name, config: { ...layerConfig, name } });
      const inbound = json.inbound_nodes ?? [];
      if (!Array.isArray(inbound)) throw new Error(`${where}: layer '${name}': inbound_nodes should be a list, got ${brief(inbound)}`);
      pending.push({ layer, nodes: inbound.map((n) => nodeRefs(n, `${where}: layer '${name}'`)), next: 0 });
      made.set(name, []);
    }
    layers.push(layer);
    byName.set(name, layer);
  }
  const tensorOf = (ref: Ref): SymbolicTensor | undefined => {
    if (!byName.has(ref[0])) throw new Error(`${where}: a node reads the layer '${ref[0]}', which the model does not list`);
    if (ref[2] !== 0) throw new Error(`${where}: a node reads output ${ref[2]} of '${ref[0]}'; Lamina's layers have one output`);
    return made.get(ref[0])?.[ref[1]];
  };
  if (pending.reduce((n, p) => n + p.nodes.length, 0) > MAX_NODES) {
    throw new Error(`${where}: the layers list more than ${MAX_NODES} nodes (MAX_NODES)`);
  }
  // Apply each layer's nodes in order, as soon as the tensors a node reads exist: a queue of
  // layers to try, and for each missing tensor the layers waiting for it (work linear in the refs).
  const waiting = new Map<string, (typeof pending)[number][]>();
  const queue = pending.slice();
  while (queue.length > 0) {
    const p = queue.pop() as (typeof pending)[number];
    while (p.next < p.nodes.length) {
      const refs = p.nodes[p.next];
      const missing = refs.find((r) => tensorOf(r) === undefined);
      if (missing !== undefined) {
        const key = `${missing[0]}/${missing[1]}`;
        const list = waiting.get(key);
        if (list === undefined) waiting.set(key, [p]);
        else list.push(p);
        break;
      }
      const list = refs.map(tensorOf) as SymbolicTensor[];
      const outputs = made.get(p.layer.name) as SymbolicTensor[];
      outputs.push(p.layer.takesList ? p.layer.apply(list) : p.layer.apply(list[0]));
      p.next++;
      // The layers waiting for the tensor just made may go on.
      const key = `${p.layer.name}/${outputs.length - 1}`;
      queue.push(...(waiting.get(key) ?? []));
      waiting.delete(key);
    }
  }
  const stuck = pending.find((p) => p.next < p.nodes.length);
  if (stuck !== undefined) throw new Error(`${where}: node ${stuck.next} of layer '${stuck.layer.name}' reads tensors no node makes (a missing layer, a wrong node index, or a cycle)`);
  const refsOf = (key: string): SymbolicTensor[] =>
    (config[key] as unknown[]).map((r) => {
      const t = tensorOf(checkRef(r, `${where}: ${key}`));
      if (t === undefined) throw new Error(`${where}: ${key} names node ${brief(r)}, which the graph does not make`);
      return t;
    });
  const inputs = refsOf('input_layers');
  inputs.forEach((t) => {
    if (!(t.sourceLayer instanceof InputLayer)) throw new Error(`${where}: input_layers names '${t.sourceLayer.name}', which is not an InputLayer`);
  });
  return { layers, inputs, outputs: refsOf('output_layers') };
}
