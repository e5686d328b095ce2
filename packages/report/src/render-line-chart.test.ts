import {renderLineChart} from './render-line-chart';

/**
 * A small well-formedness check, independent of the renderer: every tag closes in order,
 * attribute values are quoted, text holds no raw `<` and every `&` starts an entity.
 * Returns the element names in document order.
 */
function checkXml(svg: string): string[] {
  const names: string[] = [];
  const open: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    const text = svg.slice(last, m.index);
    expect(text).not.toMatch(/[<>]/);
    expect(text.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
    last = tag.lastIndex;
    const [, closing, name, , selfClosing] = m;
    if (closing) expect(open.pop()).toBe(name);
    else { names.push(name); if (!selfClosing) open.push(name); }
  }
  expect(svg.slice(last).trim()).toBe('');
  expect(open).toEqual([]);
  return names;
}

/** The `d` of each series path, split into subpaths of [x, y] pixel pairs. */
function seriesPaths(svg: string): Array<Array<Array<[number, number]>>> {
  return [...svg.matchAll(/<path class="series" data-series="\d+" d="([^"]*)"/g)].map(([, d]) =>
    d.split('M').filter((s) => s.trim()).map((sub) =>
      sub.split('L').map((pair) => pair.trim().split(' ').map(Number) as [number, number])));
}

// 640×400 with a title puts the plot box at x ∈ [64, 624] (width 560) and y ∈ [36, 352]
// (height 316): 64 left for short tick labels, 16 right, 36 top for the title, 48 bottom.
const base = {title: 'Loss', xLabel: 'step', yLabel: 'MSE', width: 640, height: 400};

describe('renderLineChart', () => {
  it('two series: well-formed SVG, a path per series, legend labels present', () => {
    const svg = renderLineChart({...base, series: [
      {label: 'decoder N=400', points: [[0, 1], [1, 0.5], [2, 0.25]]},
      {label: 'autoencoder', points: [[0, 0.9], [2, 0.3]], dashed: true},
    ]});
    const names = checkXml(svg);
    expect(names[0]).toBe('svg');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="640" height="400" viewBox="0 0 640 400"/);
    expect(seriesPaths(svg)).toHaveLength(2);
    expect(svg).toMatch(/<g class="legend">.*>decoder N=400<\/text>.*>autoencoder<\/text>/);
    expect(svg).toContain('>Loss</text>');
    expect(svg).toContain('>step</text>');
    expect(svg).toContain('>MSE</text>');
    expect(svg).toContain('stroke-dasharray');
    // Self-contained: nothing fetched from elsewhere.
    expect(svg).not.toMatch(/@import|<style|href=|url\((?!#)/);
  });

  it('maps points to pixels for a known range, domain x [0, 10], y [0, 1]', () => {
    // px = 64 + x/10·560, py = 352 − y·316:
    //   (0, 0) → (64, 352)   (2.5, 0.25) → (204, 273)   (5, 0.5) → (344, 194)   (10, 1) → (624, 36)
    const svg = renderLineChart({...base, xDomain: [0, 10], yDomain: [0, 1],
      series: [{label: 'a', points: [[0, 0], [2.5, 0.25], [5, 0.5], [10, 1]]}]});
    expect(seriesPaths(svg)).toEqual([[[[64, 352], [204, 273], [344, 194], [624, 36]]]]);
  });

  it('error bars: a whisker per point at the mapped x from low to high, domain x [0, 10], y [0, 1]', () => {
    // x = 5 → px 344; y 0.25 → 273, 0.75 → 115 (py = 352 − y·316); caps 4 px either side.
    const svg = renderLineChart({...base, xDomain: [0, 10], yDomain: [0, 1],
      series: [{label: 'a', points: [[5, 0.5], [10, 0.6]], errorBars: [[0.25, 0.75], null]}]});
    const bars = svg.match(/<path class="error-bars" data-series="0" d="([^"]*)"/)![1];
    expect(bars).toBe('M344 273 L344 115 M340 273 L348 273 M340 115 L348 115');
    checkXml(svg);
  });

  it('an error bar with a NaN or infinite bound is left out, not an error', () => {
    const svg = renderLineChart({...base, series: [{label: 'a', points: [[1, 1], [2, 2]], errorBars: [[NaN, 1.5], [1, Infinity]]}]});
    expect(svg).not.toContain('error-bars');
    checkXml(svg);
  });

  it('error bars widen the automatic y range to include them', () => {
    const svg = renderLineChart({...base, series: [{label: 'a', points: [[1, 1], [2, 2]], errorBars: [[0.2, 1.5], [1.8, 4.6]]}]});
    const ticks = [...svg.matchAll(/class="y-tick"[^>]*>([^<]*)</g)].map((m) => Number(m[1]));
    expect(Math.min(...ticks)).toBeLessThanOrEqual(0.2);
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(4.6);
  });

  it('throws when errorBars does not have one entry per point, or low > high', () => {
    expect(() => renderLineChart({series: [{label: 'a', points: [[1, 1], [2, 2]], errorBars: [[0, 1]]}]}))
      .toThrow(/series\[0\]\.errorBars must be an array of \[low, high\] or null, one per point \(2\)/);
    expect(() => renderLineChart({series: [{label: 'a', points: [[1, 1]], errorBars: [[2, 1]]}]}))
      .toThrow(/series\[0\]\.errorBars\[0\] must be \[low, high\] with low ≤ high/);
  });

  it('maps points on a log x axis, domain x [1, 1000], y [0, 1]', () => {
    // px = 64 + log10(x)/3·560: x = 10 → 250.67, x = 100 → 437.33, x = 1000 → 624.
    const svg = renderLineChart({...base, xScale: 'log', xDomain: [1, 1000], yDomain: [0, 1],
      series: [{label: 'a', points: [[10, 0], [100, 0.5], [1000, 1]]}]});
    expect(seriesPaths(svg)).toEqual([[[[250.67, 352], [437.33, 194], [624, 36]]]]);
    // Decade ticks, labelled plainly.
    for (const label of ['>1<', '>10<', '>100<', '>1000<']) expect(svg).toContain(label);
  });

  it('log x: a point at x = 0 (step 0) is a gap, not an error or -Infinity', () => {
    const svg = renderLineChart({...base, xScale: 'log', series: [{label: 'a', points: [[0, 1], [10, 0.5], [100, 0.2]]}]});
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(seriesPaths(svg)[0]).toHaveLength(1);
    expect(seriesPaths(svg)[0][0]).toHaveLength(2);
  });

  it('NaN and null y break the line into subpaths; an isolated point gets a marker', () => {
    const svg = renderLineChart({...base, xDomain: [0, 10], yDomain: [0, 1],
      series: [{label: 'a', points: [[0, 0], [1, NaN], [2.5, 0.25], [5, 0.5], [6, null], [10, 1]]}]});
    // Subpaths: [(0,0)], [(2.5,0.25), (5,0.5)], [(10,1)] at the pixels derived above.
    expect(seriesPaths(svg)).toEqual([[[[64, 352]], [[204, 273], [344, 194]], [[624, 36]]]]);
    expect(svg).toContain('<circle cx="64" cy="352" r="3"/>');
    expect(svg).toContain('<circle cx="624" cy="36" r="3"/>');
    expect(svg).not.toContain('<circle cx="204"');
    expect(svg).not.toMatch(/NaN/);
  });

  it('a single point: a marker, no NaN from a zero-width range', () => {
    const svg = renderLineChart({series: [{label: 'only', points: [[3, 7]]}]});
    checkXml(svg);
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(svg).toMatch(/<circle cx="[\d.]+" cy="[\d.]+" r="3"\/>/);
  });

  it('all-equal y sits mid-panel: no title, plot y ∈ [16, 352], so y → (16 + 352) / 2 = 184', () => {
    const svg = renderLineChart({series: [{label: 'flat', points: [[0, 2], [1, 2], [2, 2]]}]});
    const [[run]] = seriesPaths(svg);
    for (const [, y] of run) expect(y).toBe(184);
    expect(svg).not.toMatch(/NaN/);
  });

  it('ticks at nice round values', () => {
    const svg = renderLineChart({series: [{label: 'a', points: [[0, 0.13], [37, 0.91]]}]});
    const yTicks = [...svg.matchAll(/class="y-tick"[^>]*>([^<]*)</g)].map((m) => m[1]);
    const xTicks = [...svg.matchAll(/class="x-tick"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(yTicks).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1']);
    expect(xTicks).toEqual(['0', '10', '20', '30', '40']);
  });

  it('markers: true draws a dot at every point', () => {
    const svg = renderLineChart({markers: true, series: [{label: 'a', points: [[0, 0], [1, 1], [2, 0]]}]});
    expect(svg.match(/<circle/g)).toHaveLength(3);
  });

  it('escapes text in the title, labels, legend and colour', () => {
    const svg = renderLineChart({title: 'a < b & "c"', xLabel: "x'", yLabel: '<y>',
      series: [{label: 'N<400 & lr>0', points: [[0, 1], [1, 2]], color: '"red'}]});
    checkXml(svg);
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
    expect(svg).toContain('x&#39;');
    expect(svg).toContain('&lt;y&gt;');
    expect(svg).toContain('N&lt;400 &amp; lr&gt;0');
    expect(svg).toContain('stroke="&quot;red"');
  });

  it('legend "auto" avoids the corner where the data is', () => {
    // A loss curve falls from top-left to bottom-right; top-right is free.
    const falling = renderLineChart({series: [{label: 'loss', points: [[0, 1], [1, 0.1], [2, 0.05], [10, 0.01]]}]});
    // An accuracy curve rises to the top-right; bottom-right is free.
    const rising = renderLineChart({series: [{label: 'acc', points: [[0, 0], [1, 0.9], [5, 0.95], [10, 1]]}]});
    const legendX = (svg: string) => Number(/<g class="legend"><rect x="([\d.]+)" y="([\d.]+)"/.exec(svg)![1]);
    const legendY = (svg: string) => Number(/<g class="legend"><rect x="([\d.]+)" y="([\d.]+)"/.exec(svg)![2]);
    expect(legendX(falling)).toBeGreaterThan(320);
    expect(legendY(falling)).toBeLessThan(200);
    expect(legendY(rising)).toBeGreaterThan(200);
  });

  it('no series: empty axes, still well-formed', () => {
    checkXml(renderLineChart({series: []}));
  });

  it('throws when width is NaN', () => {
    expect(() => renderLineChart({width: NaN, series: []}))
      .toThrow(/^renderLineChart: width must be a finite number > 0, got NaN$/);
  });

  it('throws when a point is not [x, y]', () => {
    expect(() => renderLineChart({series: [{label: 'a', points: [[0, 1], [2] as unknown as [number, number]]}]}))
      .toThrow(/renderLineChart: series\[0\]\.points\[1\] must be \[x: number, y: number \| null\], got an array of length 1/);
  });

  it('throws when a log domain starts at 0', () => {
    expect(() => renderLineChart({xScale: 'log', xDomain: [0, 10], series: []}))
      .toThrow(/renderLineChart: xDomain must be \[min, max\] with 0 < min < max, got an array of length 2 \[0, 10\]/);
  });

  it('throws when a scale is unknown', () => {
    expect(() => renderLineChart({yScale: 'symlog' as 'log', series: []}))
      .toThrow(/renderLineChart: yScale must be 'linear' or 'log', got "symlog"/);
  });
});
