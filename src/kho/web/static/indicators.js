// Indicator pages: a Print button (the page prints cleanly with or without it).
(function () {
  document.querySelectorAll("[data-print]").forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () { window.print(); });
  });
})();
