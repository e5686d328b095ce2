// backend-packages.ts for browsers, swapped in by bundlers through package.json's "browser"
// field. Nothing here runs on import: a package is imported when useBackend asks for it. A
// bundler sees only these string literals, so it bundles the wasm backend and tfjs-core's
// gradient module, and never tfjs-layers or the Node backends. The cpu backend (another
// ~140 KB minified) is bundled only by pages that import it themselves and pass it to
// useBackend (`module`).

/** Which of the two files this is. */
export const platform: 'node' | 'browser' = 'browser';

/** The backends a browser bundle loads by itself. */
const LOADERS: Readonly<Record<string, () => Promise<object>>> = {
  '@tensorflow/tfjs-backend-wasm': () => import('@tensorflow/tfjs-backend-wasm'),
};

/** In a browser, "installed" means bundled by this package: wasm only. */
export function isPackageAvailable(packageName: string): boolean {
  return packageName in LOADERS;
}

export async function loadPackage(packageName: string): Promise<object> {
  const load = LOADERS[packageName];
  if (load === undefined) throw new Error(`${packageName} is not bundled by @encoderless/backends for the browser`);
  return load();
}

/** tfjs-core's own gradient module (ES modules), which registers every gradient when loaded. */
export async function loadGradients(): Promise<void> {
  await import('@tensorflow/tfjs-core/dist/register_all_gradients');
}

/** A browser has no environment variables. */
export function environment(): Record<string, string | undefined> {
  return {};
}

/** tsc checks that this file exports what its Node twin exports. */
const _twin: typeof import('./backend-packages') = {platform, isPackageAvailable, loadPackage, loadGradients, environment};
