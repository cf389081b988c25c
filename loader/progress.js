// The loading panel (loader/progress.html) until the app starts, shared by index.html and
// cadre.html: the Wasm's download in a bar and in words (which screen readers hear; the bar is
// hidden from them), and a reload button when it stalls.
// The page shows the panel; Trunk's initializer (loader/initializer.js) reports the download.
(function () {
  // No progress for this long: the network is stalled, say so.
  var STALL_MS = 8000;
  var panel = document.getElementById("load-panel");
  // The language chosen on this phone (src/storage.rs keeps it as JSON), if the panel has its
  // words; else Chinese, as in the app.
  var lang = "zh-Hans";
  try {
    var saved = JSON.parse(localStorage.getItem("xiangqin.lang.v1"));
    if (typeof saved === "string" && panel.querySelector('.load-words[lang="' + saved + '"]')) lang = saved;
  } catch (e) {}
  // What is in another language than the chosen one stays hidden.
  function localize(root) {
    var all = root.querySelectorAll("[lang]");
    for (var i = 0; i < all.length; i++) if (all[i].lang !== lang) all[i].hidden = true;
  }
  function mine(selector) {
    return panel.querySelector(selector + '[lang="' + lang + '"]');
  }
  localize(panel);
  var words = mine(".load-words");
  var stalled = mine(".load-stalled");
  var bar = document.getElementById("load-bar");
  var timer = 0;
  function watch() {
    clearTimeout(timer);
    timer = setTimeout(function () { stalled.hidden = false; }, STALL_MS);
  }
  stalled.addEventListener("click", function () { location.reload(); });
  watch();
  window.xiangqinLoading = {
    lang: lang,
    localize: localize,
    // `current` bytes of the Wasm of `total`. Both count the file as built (decoded): a
    // brotli or gzip body is decoded before the page sees it, so its Content-Length (the
    // compressed size) is no measure here; the share of the decoded bytes is the share of
    // the download.
    progress: function (current, total) {
      if (!(total > 0)) return;
      var percent = Math.min(100, Math.floor((current * 100) / total));
      bar.style.width = percent + "%";
      words.textContent = words.getAttribute("data-template").replace("{n}", String(percent));
      stalled.hidden = true;
      watch();
    },
    done: function () { clearTimeout(timer); },
    // The download or the start failed: the page says why (its `xiangqin-load-failed` listener).
    failed: function (reason) {
      clearTimeout(timer);
      panel.hidden = true;
      dispatchEvent(new CustomEvent("xiangqin-load-failed", { detail: reason }));
    }
  };
})();
