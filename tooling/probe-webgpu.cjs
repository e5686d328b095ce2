// Prints, as one JSON line, whether a WebGPU adapter can be had here: {"adapter": {...}} or
// {"absent": "why"}. Run in a child process by @encoderless/test-utils, so that a test file
// knows before it defines its tests whether the webgpu backend can run (then its blocks run)
// or not (then they are skipped, saying why).
const {join} = require('node:path');

const say = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
let binding;
try {
  // The webgpu package is a devDependency of @encoderless/backends: resolved from there.
  binding = require(require.resolve('webgpu', {paths: [join(__dirname, '..', 'packages', 'backends')]}));
} catch (err) {
  say({absent: `the webgpu package does not load: ${err.message.split('\n')[0]}`});
  process.exit(0);
}
binding.create([]).requestAdapter({powerPreference: 'high-performance'}).then((adapter) => {
  if (adapter === null) {
    say({absent: 'Dawn found no GPU adapter (no Vulkan driver: install mesa-vulkan-drivers from bookworm-backports for a software one, see docs/gpu.md)'});
  } else {
    const {vendor, architecture, device, description} = adapter.info;
    say({adapter: {vendor, architecture, device, description}});
  }
  process.exit(0);
}, (err) => {
  say({absent: `requestAdapter failed: ${err.message}`});
  process.exit(0);
});
