// Drawing on canvases: digit images, the map of representations, the loss curve. Plain 2-D
// canvas calls; each function draws the whole canvas from its arguments.

/** One colour per digit 0–9 (Tableau 10). */
export const DIGIT_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Draws `count` 28 × 28 images ([count, 784] in [0, 1], ink dark on paper) in a grid of `cols` columns filling the canvas. */
export function drawDigits(canvas: HTMLCanvasElement, images: ArrayLike<number>, count: number, cols: number): void {
  const ctx = canvas.getContext('2d')!;
  const rows = Math.ceil(count / cols);
  const tile = new ImageData(28, 28);
  const scratch = new OffscreenCanvas(28, 28);
  const sctx = scratch.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = false;
  const w = canvas.width / cols, h = canvas.height / rows;
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < 784; p++) {
      const v = 255 - Math.round(255 * Math.min(1, Math.max(0, images[i * 784 + p])));
      tile.data[4 * p] = tile.data[4 * p + 1] = tile.data[4 * p + 2] = v;
      tile.data[4 * p + 3] = 255;
    }
    sctx.putImageData(tile, 0, 0);
    ctx.drawImage(scratch, (i % cols) * w + 1, Math.floor(i / cols) * h + 1, w - 2, h - 2);
  }
}

/** The map's frame: data coordinates of the canvas edges. */
export interface MapFrame {
  readonly minX: number;
  readonly maxX: number;
  readonly minY: number;
  readonly maxY: number;
}

/** A frame around points with a 5% margin. */
export function frameAround(points: readonly (readonly number[])[]): MapFrame {
  const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const mx = 0.05 * (maxX - minX || 1), my = 0.05 * (maxY - minY || 1);
  return {minX: minX - mx, maxX: maxX + mx, minY: minY - my, maxY: maxY + my};
}

/**
 * The map: every training representation as a dot coloured by its digit, each digit's name at
 * the mean of its dots, and a trail (the drawing's row as it converged) ending in a ringed dot.
 * Returns a function that draws the map with a trail; the dots are drawn once and kept.
 */
export function createMapPainter(canvas: HTMLCanvasElement, points: readonly (readonly number[])[], labels: readonly number[],
  frame: MapFrame): (trail: readonly (readonly number[])[]) => void {
  const ctx = canvas.getContext('2d')!;
  const {width, height} = canvas;
  const px = (x: number) => ((x - frame.minX) / (frame.maxX - frame.minX)) * width;
  const py = (y: number) => height - ((y - frame.minY) / (frame.maxY - frame.minY)) * height;
  const background = new OffscreenCanvas(width, height);
  const bg = background.getContext('2d')!;
  bg.fillStyle = '#fff';
  bg.fillRect(0, 0, width, height);
  bg.globalAlpha = 0.5;
  const sums = Array.from({length: 10}, () => ({x: 0, y: 0, n: 0}));
  for (let i = 0; i < points.length; i++) {
    bg.fillStyle = DIGIT_COLOURS[labels[i]] ?? '#888';
    bg.fillRect(px(points[i][0]) - 1.5, py(points[i][1]) - 1.5, 3, 3);
    const s = sums[labels[i]];
    if (s) { s.x += points[i][0]; s.y += points[i][1]; s.n++; }
  }
  bg.globalAlpha = 1;
  bg.font = 'bold 16px system-ui, sans-serif';
  bg.textAlign = 'center';
  bg.textBaseline = 'middle';
  bg.lineWidth = 3;
  bg.strokeStyle = '#fff';
  sums.forEach((s, digit) => {
    if (s.n === 0) return;
    const [x, y] = [px(s.x / s.n), py(s.y / s.n)];
    bg.strokeText(String(digit), x, y);
    bg.fillStyle = DIGIT_COLOURS[digit];
    bg.fillText(String(digit), x, y);
  });
  return (trail) => {
    ctx.drawImage(background, 0, 0);
    if (trail.length === 0) return;
    ctx.strokeStyle = '#111';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    trail.forEach((p, i) => (i === 0 ? ctx.moveTo(px(p[0]), py(p[1])) : ctx.lineTo(px(p[0]), py(p[1]))));
    ctx.stroke();
    const end = trail[trail.length - 1];
    ctx.beginPath();
    ctx.arc(px(end[0]), py(end[1]), 7, 0, 2 * Math.PI);
    ctx.lineWidth = 3;
    ctx.stroke();
    ctx.fillStyle = '#fff';
    ctx.fill();
    ctx.fillStyle = '#111';
    ctx.beginPath();
    ctx.arc(px(end[0]), py(end[1]), 3, 0, 2 * Math.PI);
    ctx.fill();
  };
}

/** A loss curve: `values` per epoch, the y axis from 0 to the largest value, labelled. */
export function drawLossCurve(canvas: HTMLCanvasElement, values: readonly number[], epochs: number): void {
  const ctx = canvas.getContext('2d')!;
  const {width, height} = canvas;
  const left = 44, bottom = 22, top = 8, right = 8;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.strokeRect(left, top, width - left - right, height - top - bottom);
  const max = Math.max(0.05, ...values) * 1.05;
  const x = (i: number) => left + ((i + 1) / Math.max(1, epochs)) * (width - left - right);
  const y = (v: number) => top + (1 - v / max) * (height - top - bottom);
  ctx.fillStyle = '#444';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'right';
  for (const v of [0, max / 2, max]) ctx.fillText(v.toFixed(2), left - 4, y(v) + 4);
  ctx.textAlign = 'center';
  ctx.fillText(`epoch (of ${epochs})`, left + (width - left - right) / 2, height - 6);
  if (values.length === 0) return;
  ctx.strokeStyle = '#e15759';
  ctx.lineWidth = 2;
  ctx.beginPath();
  values.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
  ctx.stroke();
  ctx.fillStyle = '#e15759';
  values.forEach((v, i) => ctx.fillRect(x(i) - 2, y(v) - 2, 4, 4));
}

/** Bars for a representation's values, centred on zero, scaled to ±`range`. */
export function drawBars(canvas: HTMLCanvasElement, values: ArrayLike<number>, range: number): void {
  const ctx = canvas.getContext('2d')!;
  const {width, height} = canvas;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#ccc';
  ctx.fillRect(0, height / 2, width, 1);
  const w = width / values.length;
  for (let i = 0; i < values.length; i++) {
    const v = Math.max(-1, Math.min(1, values[i] / range)) * (height / 2 - 2);
    ctx.fillStyle = v >= 0 ? '#4e79a7' : '#e15759';
    ctx.fillRect(i * w + 2, v >= 0 ? height / 2 - v : height / 2, w - 4, Math.abs(v));
  }
}
