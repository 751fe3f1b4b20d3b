/**
 * The pieces of a layer graph. `layer.apply(symbolic)` does not compute anything: it records a
 * `Node` (this layer, applied to these inputs) and returns the `SymbolicTensor` that node will
 * produce, whose shape is known from the layer's `computeOutputShape`. A `Model` later walks the
 * nodes between its inputs and outputs and runs each node's layer on real batches.
 *
 * A graph has no cycle, by construction: a node's inputs are tensors that existed before it was
 * made, so a layer can never receive its own output.
 */
import { Workspace } from '../autodiff';
import type { Layer } from '../layer';

/**
 * A placeholder for the batches that will flow through one point of a graph: what `Input` and
 * `layer.apply` return. `shape` is Keras' batch shape, `[null, ...perSample]`.
 */
export class SymbolicTensor {
  /** The node that produces it (an `InputLayer`'s node for a model input). */
  readonly node: Node;
  /** The per-sample shape (no batch axis). */
  readonly perSampleShape: number[];
  /** A name for messages and summaries: the producing layer's name (and the node, when shared). */
  readonly name: string;

  constructor(node: Node, perSampleShape: readonly number[], name: string) {
    this.node = node;
    this.perSampleShape = perSampleShape.slice();
    this.name = name;
  }

  /** `[null, ...perSample]`: the batch axis is unknown until data comes. */
  get shape(): (number | null)[] {
    return [null, ...this.perSampleShape];
  }

  /** The layer that produces it. */
  get sourceLayer(): Layer {
    return this.node.layer;
  }

  toString(): string {
    return `SymbolicTensor '${this.name}' [null, ${this.perSampleShape.join(', ')}]`;
  }
}

/**
 * One application of a layer: the tensors it reads, the tensor it makes, and buffers of its own
 * (a layer applied twice is one set of weights and two nodes, each with its own buffers and, for
 * noise layers, its own mask each pass).
 */
export class Node {
  readonly layer: Layer;
  /** The tensors the layer reads (one, or a list for merge layers). */
  readonly inputs: SymbolicTensor[];
  /** Whether the layer takes its inputs as a list (merge layers) rather than one tensor. */
  readonly takesList: boolean;
  /** What the layer makes. */
  readonly output: SymbolicTensor;
  /** The buffers of this node's ops, reused pass after pass. */
  readonly ws = new Workspace();
  /** The position of this node among the layer's nodes (`layer.inboundNodes[index] === this`). */
  readonly index: number;

  constructor(layer: Layer, inputs: readonly SymbolicTensor[], takesList: boolean, outputShape: readonly number[], index: number) {
    this.layer = layer;
    this.inputs = inputs.slice();
    this.takesList = takesList;
    this.index = index;
    this.output = new SymbolicTensor(this, outputShape, index === 0 ? layer.name : `${layer.name}_node${index}`);
  }
}
