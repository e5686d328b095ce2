// How useBackend reaches backend packages, gradients and the environment in Node. Bundlers for
// the browser use backend-packages.browser.ts instead (package.json's "browser" field maps one
// file to the other): no require, no process, no tfjs-layers there.

/** Which of the two files this is. */
export const platform: 'node' | 'browser' = 'node';

/** Whether an npm package can be found from here (it is not loaded). */
export function isPackageAvailable(packageName: string): boolean {
  try {
    require.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

/** Loads a backend's package, which registers its backend with tfjs; resolves to the module. */
export async function loadPackage(packageName: string): Promise<object> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(packageName) as object;
}

/**
 * Registers tfjs-core's gradient functions. tfjs-core's Node bundle registers none (`minimize`
 * fails with "gradient function not found for Mean"), and its ESM gradient module cannot be
 * loaded by Node's resolver (extensionless imports). tfjs-layers' Node bundle carries the same
 * gradient registry (tfjs-core 4.22.0's `register_all_gradients`) and registers it into the
 * shared global registry when loaded, so we load it here, when asked — never on import.
 */
export async function loadGradients(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-layers');
}

/** Where `ENCODERLESS_BACKEND` is read from by default. */
export function environment(): Record<string, string | undefined> {
  return process.env;
}
