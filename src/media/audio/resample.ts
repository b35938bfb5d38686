// Sample-rate conversion of a PCM channel file, streamed: a windowed-sinc filter (Blackman window,
// cut-off below the lower Nyquist frequency, so downsampling does not alias).
import { open } from 'node:fs/promises';
import { readChannel } from './pcm.js';

const ZERO_CROSSINGS = 16;
const TABLE_STEPS = 256;
/** sinc·Blackman from 0 to ZERO_CROSSINGS, TABLE_STEPS points per unit (read with linear interpolation). */
const KERNEL = Float64Array.from({ length: ZERO_CROSSINGS * TABLE_STEPS + 2 }, (_, index) => {
  const x = index / TABLE_STEPS;
  if (x >= ZERO_CROSSINGS) return 0;
  const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
  const phase = Math.PI * (x / ZERO_CROSSINGS + 1);
  return sinc * (0.42 - 0.5 * Math.cos(phase) + 0.08 * Math.cos(2 * phase));
});

function kernel(x: number): number {
  const position = Math.abs(x) * TABLE_STEPS;
  const index = Math.floor(position);
  if (index >= KERNEL.length - 1) return 0;
  const fraction = position - index;
  // index + 1 < KERNEL.length by the check above.
  return KERNEL[index]! * (1 - fraction) + KERNEL[index + 1]! * fraction;
}

/** Resamples one channel; yields blocks of the output rate's samples. */
export async function* resampleChannel(file: string, fromRate: number, toRate: number): AsyncGenerator<Int16Array> {
  if (fromRate === toRate) {
    yield* readChannel(file);
    return;
  }
  const step = fromRate / toRate;
  const cutoff = Math.min(1, toRate / fromRate) * 0.95;
  const reach = Math.ceil(ZERO_CROSSINGS / cutoff);
  let history = new Float64Array(0);
  let historyStart = 0;
  let next = 0;
  const produce = (available: number, final: boolean): Int16Array => {
    const out: number[] = [];
    for (;;) {
      const centre = next * step;
      const last = Math.floor(centre) + reach;
      if (!final && last >= historyStart + available) break;
      if (final && centre >= historyStart + available) break;
      let sum = 0;
      for (let index = Math.max(Math.ceil(centre) - reach, historyStart); index <= last && index < historyStart + available; index++) {
        sum += history[index - historyStart]! * kernel((index - centre) * cutoff);
      }
      const value = Math.round(sum * cutoff);
      out.push(value > 32767 ? 32767 : value < -32768 ? -32768 : value);
      next++;
    }
    return Int16Array.from(out);
  };
  for await (const block of readChannel(file)) {
    const keepFrom = Math.max(historyStart, Math.floor(next * step) - reach);
    const kept = history.subarray(keepFrom - historyStart);
    const merged = new Float64Array(kept.length + block.length);
    merged.set(kept);
    merged.set(block, kept.length);
    history = merged;
    historyStart = keepFrom;
    const out = produce(history.length, false);
    if (out.length > 0) yield out;
  }
  const out = produce(history.length, true);
  if (out.length > 0) yield out;
}

/** Writes a resampled channel to `output` (raw 16-bit PCM). */
export async function resampleChannelFile(input: string, output: string, fromRate: number, toRate: number): Promise<void> {
  const handle = await open(output, 'w');
  try {
    for await (const block of resampleChannel(input, fromRate, toRate))
      await handle.write(new Uint8Array(block.buffer, block.byteOffset, block.byteLength));
  } finally {
    await handle.close();
  }
}
