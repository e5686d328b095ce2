import * as tf from '@tensorflow/tfjs-core';
import {expectArraysClose, makeSeededTensor} from '@encoderless/test-utils';
import {useBackend} from './index';

// Slow tag (ENCODERLESS_SLOW_TESTS=1): Conv2DBackpropFilter on wasm at the size of the MNIST
// decoder's 4×4 stride-2 layer, timed, and checked against a naive float64 loop. tfjs-cpu is
// no reference here: it takes ~30 s for this one call.

/** dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·s + kh − top, ow·s + kw − left, ci] · dy[b,oh,ow,co], in float64. */
function backpropFilterNaive(
  x: Float32Array, xShape: number[], dy: Float32Array, dyShape: number[],
  filter: [number, number], stride: number, top: number, left: number,
): Float64Array {
  const [batch, height, width, inC] = xShape;
  const [, outH, outW, outC] = dyShape;
  const [fh, fw] = filter;
  const dw = new Float64Array(fh * fw * inC * outC);
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const dyRow = ((b * outH + oh) * outW + ow) * outC;
        for (let kh = 0; kh < fh; kh++) {
          const h = oh * stride + kh - top;
          if (h < 0 || h >= height) continue;
          for (let kw = 0; kw < fw; kw++) {
            const w = ow * stride + kw - left;
            if (w < 0 || w >= width) continue;
            const xRow = ((b * height + h) * width + w) * inC;
            for (let ci = 0; ci < inC; ci++) {
              const xv = x[xRow + ci];
              const out = ((kh * fw + kw) * inC + ci) * outC;
              for (let co = 0; co < outC; co++) dw[out + co] += xv * dy[dyRow + co];
            }
          }
        }
      }
    }
  }
  return dw;
}

it('Conv2DBackpropFilter on wasm: x=[32,14,14,64] dy=[32,7,7,128] f=4x4 s=2 same, timed', async () => {
  await useBackend('wasm');
  const x = makeSeededTensor([32, 14, 14, 64], {seed: 1});
  const dy = makeSeededTensor([32, 7, 7, 128], {seed: 2});
  const attrs = {strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [4, 4, 64, 128]};
  const runOnce = (): tf.Tensor => tf.engine().runKernel(tf.Conv2DBackpropFilter, {x, dy}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;

  const times: number[] = [];
  let dw = runOnce();
  for (let i = 0; i < 5; i++) {
    dw.dispose();
    const start = performance.now();
    dw = runOnce();
    dw.dataSync();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`Conv2DBackpropFilter wasm x=[32,14,14,64] dy=[32,7,7,128] k4 s2 same: median ${times[2].toFixed(1)} ms`);

  // 'same' with k=4, s=2 on 14 → 7 pads (7 − 1)·2 + 4 − 14 = 2 rows: 1 on top, 1 at the bottom.
  const expected = backpropFilterNaive(
    x.dataSync() as Float32Array, x.shape, dy.dataSync() as Float32Array, dy.shape, [4, 4], 2, 1, 1);
  // Each entry sums 32·7·7 = 1568 products of values in [-1, 1): float32 error ≲ 1e-4.
  expectArraysClose(dw, expected, {atol: 2e-3, rtol: 1e-4});
  tf.dispose([x, dy, dw]);
});
