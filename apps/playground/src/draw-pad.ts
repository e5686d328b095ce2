/**
 * A canvas to draw on with a mouse, a pen or a finger (pointer events): dark strokes on white.
 * `ink()` reads it back as [height, width] values in [0, 1]; `onStroke` fires when a stroke ends.
 */
export function createDrawPad(canvas: HTMLCanvasElement, onStroke: () => void): {ink(): Float32Array; clear(): void; isEmpty(): boolean} {
  const ctx = canvas.getContext('2d', {willReadFrequently: true})!;
  let drawing = false, empty = true;
  const clear = () => {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    empty = true;
  };
  const at = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * canvas.width, ((e.clientY - r.top) / r.height) * canvas.height];
  };
  clear();
  // Strokes about a tenth of the pad wide: MNIST's pen, relative to a digit filling most of it.
  ctx.lineWidth = canvas.width / 13;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = '#000';
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    empty = false;
    canvas.setPointerCapture(e.pointerId);
    const [x, y] = at(e);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 0.01, y);
    ctx.stroke();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const [x, y] = at(e);
    ctx.lineTo(x, y);
    ctx.stroke();
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    onStroke();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  return {
    ink() {
      const {data} = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const ink = new Float32Array(canvas.width * canvas.height);
      for (let i = 0; i < ink.length; i++) ink[i] = 1 - data[4 * i] / 255;
      return ink;
    },
    clear,
    isEmpty: () => empty,
  };
}
