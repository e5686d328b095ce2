import {countKernelFlops, stepFlops} from './count-flops';

describe('countKernelFlops', () => {
  it('the MNIST decoder\'s forward pass: ≈ 13.5 MFLOP per sample, so ≈ 40 MFLOP per training step', () => {
    // Linear 20 → 6272: 2·20·6272; ConvT 7×7×128 → 14×14×64 k4: every input pixel meets a 4×4×64×128
    // block, 2·49·16·128·64; ConvT 14×14×64 → 28×28×1: 2·196·16·64·1. The bias add, ReLU and
    // reshape between them are not counted.
    const kernels = [
      {name: 'BatchMatMul', inputShapes: [[1, 20], [20, 6272]], outputShapes: [[1, 6272]]},
      {name: 'Add', inputShapes: [[1, 6272], [6272]], outputShapes: [[1, 6272]]},
      {name: 'Conv2DBackpropInput', inputShapes: [[1, 7, 7, 128], [4, 4, 64, 128]], outputShapes: [[1, 14, 14, 64]]},
      {name: 'Conv2DBackpropInput', inputShapes: [[1, 14, 14, 64], [4, 4, 1, 64]], outputShapes: [[1, 28, 28, 1]]},
    ];
    const forward = 2 * 20 * 6272 + 2 * 49 * 16 * 128 * 64 + 2 * 196 * 16 * 64;
    expect(countKernelFlops(kernels)).toBe(forward);
    expect(forward).toBe(13_497_344);
    expect(stepFlops(forward, 'train')).toBe(3 * forward);
    expect(stepFlops(forward, 'rows-only')).toBe(2 * forward);
  });
  it('Conv2D: 2·|y|·kh·kw·inC; a transposed matmul has the same count as the plain one', () => {
    expect(countKernelFlops([{name: 'Conv2D', inputShapes: [[2, 8, 8, 3], [3, 3, 3, 5]], outputShapes: [[2, 4, 4, 5]]}]))
      .toBe(2 * (2 * 4 * 4 * 5) * 3 * 3 * 3);
    // aᵀ·b with a = [7, 3] (K = 7), b = [7, 4] → y = [3, 4]: 2·3·4·7.
    expect(countKernelFlops([{name: 'BatchMatMul', inputShapes: [[7, 3], [7, 4]], outputShapes: [[3, 4]]}])).toBe(2 * 3 * 4 * 7);
  });
});
