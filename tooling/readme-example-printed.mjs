// Imported by the README examples that run-readme-examples.mjs runs: each console.log whose
// output the README states goes through `printed(id)`, which prints as console.log does and
// records the text (one line of JSON per call, in $README_EXAMPLE_REPORT) for the runner to
// compare. Written synchronously, so an example that ends with process.exit loses nothing.
import {appendFileSync} from 'node:fs';
import {formatWithOptions} from 'node:util';

const options = {breakLength: Infinity, compact: true, depth: Infinity, maxArrayLength: Infinity, maxStringLength: Infinity, colors: false};

/** console.log's text on one line, without the padding inside brackets: `[1, 2]`, `{a: 1}`, `Float32Array [1, 2]`. */
export function render(args) {
  return formatWithOptions(options, ...args)
    .replace(/\b([A-Z]\w*Array)\(\d+\) \[/g, '$1 [')
    .replace(/\[ /g, '[').replace(/ \]/g, ']').replace(/\{ /g, '{').replace(/ \}/g, '}');
}

export function printed(id) {
  return (...args) => {
    console.log(...args);
    appendFileSync(process.env.README_EXAMPLE_REPORT, `${JSON.stringify({id, text: render(args)})}\n`);
  };
}
