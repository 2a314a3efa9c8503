// Loaded in <head>, not deferred: applies the reader's colour scheme before the
// page is painted, so a page never flashes in the other scheme.
// "light" or "dark" is stored; no value means "follow the system".
(function () {
  try {
    var scheme = localStorage.getItem("casebook-scheme");
    if (scheme === "light" || scheme === "dark") document.documentElement.dataset.scheme = scheme;
  } catch (e) {
    // storage blocked: follow the system
  }
})();
