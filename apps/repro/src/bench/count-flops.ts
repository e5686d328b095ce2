/** One kernel call as `tf.profile` records it. */
export interface KernelRecord {
  readonly name: string;
  readonly inputShapes: readonly (readonly number[])[];
  readonly outputShapes: readonly (readonly number[])[];
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * FLOPs of the layers among some kernel calls, 2 per multiply-add, counted from the shapes
 * alone: Conv2D (y [.., C'] from filter [kh, kw, C, C']: 2·|y|·kh·kw·C), Conv2DBackpropInput,
 * the forward pass of a transposed conv (2·|dy|·kh·kw·C, C = dx's channels = filter[2]), and
 * BatchMatMul / _FusedMatMul (2·|y|·K, K = a's two inner dims / y's rows). Element-wise
 * kernels (bias, ReLU, batch norm) are not counted: a few % at most for these models.
 *
 * ```ts
 * countKernelFlops([{name: 'BatchMatMul', inputShapes: [[32, 20], [20, 6272]], outputShapes: [[32, 6272]]}]);
 * // 2·32·6272·20 = 8,028,160
 * ```
 */
export function countKernelFlops(kernels: readonly KernelRecord[]): number {
  let flops = 0;
  for (const k of kernels) {
    const [a, b] = k.inputShapes;
    const [y] = k.outputShapes;
    switch (k.name) {
      case 'Conv2D': case 'FusedConv2D':
        flops += 2 * size(y) * b[0] * b[1] * b[2];
        break;
      case 'Conv2DBackpropInput':
        flops += 2 * size(a) * b[0] * b[1] * b[2];
        break;
      case 'BatchMatMul': case '_FusedMatMul': {
        const rows = y[y.length - 2];
        const inner = (a[a.length - 1] * a[a.length - 2]) / rows;
        flops += 2 * size(y) * inner;
        break;
      }
      default:
        break;
    }
  }
  return flops;
}

/**
 * Per-sample FLOPs of a step from its model's forward FLOPs: training computes the forward
 * pass, the input gradient and the weight gradient of every layer, each as costly as the
 * forward pass (×3); fitting rows to a frozen decoder skips the weight gradients (×2).
 */
export function stepFlops(forwardFlops: number, kind: 'train' | 'rows-only'): number {
  return forwardFlops * (kind === 'train' ? 3 : 2);
}
