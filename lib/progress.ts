/** Keras-like progress lines for `fit({ verbose })`. */
import { Logs } from './history';

/** `Epoch 3/10` then `1/1 - 0s 2ms/step - loss: 0.6931 - accuracy: 0.5000` (verbose 1 and 2). */
export function epochLine(epoch: number, epochs: number, steps: number, seconds: number, logs: Logs): string {
  const perStep = steps > 0 ? (seconds * 1000) / steps : 0;
  const values = Object.entries(logs)
    .map(([name, v]) => ` - ${name}: ${v.toFixed(4)}`)
    .join('');
  return `Epoch ${epoch + 1}/${epochs}\n${steps}/${steps} - ${Math.round(seconds)}s ${perStep < 10 ? perStep.toFixed(1) : Math.round(perStep)}ms/step${values}\n`;
}
