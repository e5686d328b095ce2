/**
 * Registers the service worker that keeps a copy of the whole site (every built file, the
 * `.wasm` builds, the model and the digits), then says whether the page works offline.
 */
export function registerOfflineCopy(url: string, say: (text: string, state: 'caching' | 'ready' | 'unavailable') => void): void {
  if (!('serviceWorker' in navigator)) {
    say('Offline copy: this browser has no service workers (or the page is not served over HTTPS or from localhost).', 'unavailable');
    return;
  }
  say('Offline copy: saving the site…', 'caching');
  navigator.serviceWorker.register(url)
    .then(() => navigator.serviceWorker.ready)
    .then(async () => {
      const names = (await caches.keys()).filter((name) => name.startsWith('encoderless-playground-'));
      const files = names.length === 0 ? 0 : (await (await caches.open(names[names.length - 1])).keys()).length;
      say(`Offline copy: ready (${files} files cached); this page now works without a network.`, 'ready');
    })
    .catch((err: Error) => say(`Offline copy: not available (${err.message}).`, 'unavailable'));
}
