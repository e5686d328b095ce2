import {renderChartGrid} from './render-chart-grid';
import {LineChartOptions} from './render-line-chart';

const loss: LineChartOptions = {title: 'loss', width: 400, height: 300, series: [{label: 'train', points: [[0, 1], [1, 0.5]]}]};
const acc: LineChartOptions = {title: 'accuracy', width: 400, height: 300, series: [{label: 'test', points: [[0, 0.1], [1, 0.9]]}]};

/** Tags must close in order; returns the opening tags with their attributes. */
function openingTags(svg: string): string[] {
  const stack: string[] = [], opened: string[] = [];
  for (const [whole, closing, name, selfClosing] of svg.matchAll(/<(\/?)([A-Za-z][\w-]*)(?:\s[^>]*?)?(\/?)>/g)) {
    if (closing) expect(stack.pop()).toBe(name);
    else { opened.push(whole); if (!selfClosing) stack.push(name); }
  }
  expect(stack).toEqual([]);
  return opened;
}

describe('renderChartGrid', () => {
  it('two 400×300 charts side by side, with a grid title, in one 800×336 SVG', () => {
    const svg = renderChartGrid([loss, acc], {columns: 2, title: 'MNIST'});
    const tags = openingTags(svg);
    expect(tags[0]).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="800" height="336"/);
    // Panels at x = 0 and x = 400, below the 36-pixel title band.
    expect(tags.filter((t) => t.startsWith('<svg class="panel"'))).toEqual([
      '<svg class="panel" x="0" y="36" width="400" height="300" viewBox="0 0 400 300">',
      '<svg class="panel" x="400" y="36" width="400" height="300" viewBox="0 0 400 300">',
    ]);
    expect(svg).toContain('>MNIST</text>');
    expect(svg).toContain('>train</text>');
    expect(svg).toContain('>test</text>');
  });

  it('gives each panel its own clip-path id', () => {
    const svg = renderChartGrid([loss, acc, loss]);
    const ids = [...svg.matchAll(/<clipPath id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(['chart-0-plot', 'chart-1-plot', 'chart-2-plot']);
  });

  it('three charts in two columns wrap to a second row', () => {
    const svg = renderChartGrid([loss, acc, loss], {columns: 2});
    expect(svg).toMatch(/^<svg [^>]*width="800" height="600"/);
    expect(svg).toContain('<svg class="panel" x="0" y="300"');
  });

  it('throws when columns is not a positive integer', () => {
    expect(() => renderChartGrid([loss], {columns: 0}))
      .toThrow(/^renderChartGrid: columns must be a positive integer, got 0$/);
  });

  it('throws naming the chart whose options are bad', () => {
    expect(() => renderChartGrid([loss, {...acc, height: NaN}]))
      .toThrow(/^renderChartGrid: charts\[1\]: height must be a finite number > 0, got NaN$/);
  });

  it('throws when there are no charts', () => {
    expect(() => renderChartGrid([])).toThrow(/renderChartGrid: charts must be a non-empty array of chart options, got an array of length 0/);
  });
});
