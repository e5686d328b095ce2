/**
 * A dense float32 matrix in row-major order: entry (i, j) is `data[i * cols + j]`. A plain
 * value rather than a tensor, so data sets can be made and tested without TensorFlow.js;
 * `tf.tensor2d(m.data, [m.rows, m.cols])` turns one into a tensor.
 */
export interface Matrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}
