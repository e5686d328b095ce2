// pnpm installs the peer dependencies of every workspace package (auto-install-peers, pnpm's
// default), the optional ones included. @encoderless/backends names @tensorflow/tfjs-node and
// -node-gpu as optional peers for its users; installing them here would download native
// TensorFlow binaries. So, for this workspace's own packages only, optional peers are dropped
// before pnpm resolves them. The published manifests keep them (pnpm pack reads package.json
// from disk, not through this hook).
//
// This replaces `auto-install-peers=false` in .npmrc, which pnpm 9 reads only from .npmrc,
// where npm (running `npx -y pnpm@9 …`) warns about it as an unknown key.
function readPackage(pkg) {
  if (typeof pkg.name === 'string' && pkg.name.startsWith('@encoderless/') && pkg.peerDependencies) {
    for (const [name, meta] of Object.entries(pkg.peerDependenciesMeta ?? {})) {
      if (meta?.optional) delete pkg.peerDependencies[name];
    }
  }
  return pkg;
}

module.exports = {hooks: {readPackage}};
