// Trunk's initializer for the app's Wasm (`data-initializer` on the rust link of index.html and
// cadre.html): Trunk fetches the Wasm itself and reports each piece received; the loading panel
// (loader/progress.js, inline in the page) shows it.
export default function initializer() {
  const loading = window.xiangqinLoading;
  return {
    onProgress: ({ current, total }) => loading?.progress(current, total),
    onSuccess: () => loading?.done(),
    onFailure: (reason) => loading?.failed(reason),
  };
}
