import {renderScatterChart, scatterPixels} from './index';
import {renderScatterPng} from './node';

const options = {
  title: 'map', xLabel: 'PC 1', yLabel: 'PC 2', width: 320, height: 200,
  series: [{label: 'a', points: [[0, 0], [10, 10]] as [number, number][]}, {label: 'b', points: [[3.3, 6.7]] as [number, number][], color: '#000000'}],
};

describe('renderScatterChart', () => {
  it('draws one marker per point and no lines, with dot swatches in the legend', () => {
    const svg = renderScatterChart(options);
    expect(svg.match(/<circle /g)).toHaveLength(3 + 2); // three points, two legend dots
    expect(svg).not.toMatch(/class="series"/);
    expect(svg).toMatch(/<g class="markers" data-series="1" fill="#000000" fill-opacity="0.75"><circle cx="[\d.]+" cy="[\d.]+" r="2.5"\/><\/g>/);
    expect(svg).toMatch(/PC 1/);
  });

  it('scatterPixels puts each point where the SVG does, in its colour, on white', () => {
    const svg = renderScatterChart(options);
    const [cx, cy] = /data-series="1"[^>]*><circle cx="([\d.]+)" cy="([\d.]+)"/.exec(svg)!.slice(1).map(Number);
    const image = scatterPixels(options);
    expect([image.width, image.height, image.channels]).toEqual([320, 200, 3]);
    const at = (x: number, y: number) => Array.from(image.data.slice((y * 320 + x) * 3, (y * 320 + x) * 3 + 3));
    // Black at 80% opacity over white (off the grid lines): 255·0.2 = 51.
    expect(at(Math.floor(cx), Math.floor(cy))).toEqual([51, 51, 51]);
    expect(at(2, 2)).toEqual([255, 255, 255]);
  });

  it('renderScatterPng is a PNG of those pixels\' size', () => {
    const png = renderScatterPng(options);
    expect(Array.from(png.slice(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer, png.byteOffset);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([320, 200]);
  });

  it('throws naming a colour that is not #rrggbb', () => {
    expect(() => renderScatterChart({series: [{label: 'a', points: [[0, 1]], color: 'red'}]})).toThrow(/series\[0\].color must be #rrggbb, got "red"/);
  });
});
