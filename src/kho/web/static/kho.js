// Small progressive enhancements; every page works without this file.
(function () {
  var facets = document.getElementById("facets");
  if (facets && window.matchMedia("(max-width: 760px)").matches) { facets.open = false; }
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var src = document.getElementById(btn.getAttribute("data-copy"));
      if (!src || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(src.innerText).then(function () {
        var old = btn.textContent; btn.textContent = btn.getAttribute("data-done");
        setTimeout(function () { btn.textContent = old; }, 1500);
      });
    });
  });
})();
