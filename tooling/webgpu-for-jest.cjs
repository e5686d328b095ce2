// Jest's module loader cannot load the `webgpu` package's entry (an ES module), which Node
// 20.19+ requires directly. Jest maps `webgpu` here (tooling/jest.preset.js): the same Dawn
// binary the entry loads, required as the native addon it is.
const {dirname, join} = require('node:path');

// Resolved from @encoderless/backends, whose devDependency it is (pnpm links it there only).
const folder = dirname(require.resolve('webgpu/package.json', {paths: [join(__dirname, '..', 'packages', 'backends')]}));
const platform = process.platform === 'darwin' ? 'darwin-universal' : `${process.platform}-${process.arch}`;
module.exports = require(join(folder, 'dist', platform, 'dawn.node'));
