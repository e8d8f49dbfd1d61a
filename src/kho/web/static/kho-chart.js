// Draws the chart whose data the server embedded in the page, and offers it as PNG.
(function () {
  var holder = document.getElementById("chart-data");
  var canvas = document.getElementById("chart");
  if (!holder || !canvas || !window.Chart) { return; }
  var spec = JSON.parse(holder.textContent);
  var palette = ["#a50e0e", "#0b4f9c", "#1c7c3a", "#b35c00", "#6a3d9a", "#00707a", "#8c564b",
                 "#c2185b", "#4d4d4d", "#7a6a00", "#2e6fdb", "#9e2a2b"];
  var locale = spec.lang === "vi" ? "vi-VN" : "en-GB";
  var background = { id: "white-bg", beforeDraw: function (c) {
    var ctx = c.canvas.getContext("2d"); ctx.save(); ctx.globalCompositeOperation = "destination-over";
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, c.width, c.height); ctx.restore(); } };
  var chart = new Chart(canvas, {
    type: spec.type,
    data: { labels: spec.labels, datasets: [{ label: spec.label, data: spec.values,
      backgroundColor: spec.type === "pie" ? palette : (spec.type === "line" ? "#0b4f9c" : "#a50e0e"),
      borderColor: spec.type === "line" ? "#0b4f9c" : "#fff", borderWidth: spec.type === "line" ? 2.5 : 1 }] },
    options: { responsive: true, maintainAspectRatio: false, animation: false, locale: locale,
      indexAxis: spec.type === "bar" ? "y" : "x",
      plugins: { legend: { display: spec.type === "pie", position: "right" } } },
    plugins: [background]
  });
  var png = document.getElementById("png");
  png.hidden = false;
  png.addEventListener("click", function () {
    var a = document.createElement("a");
    a.href = chart.toBase64Image("image/png", 1);
    a.download = (document.getElementById("svg").getAttribute("download") || "chart.svg").replace(/\.svg$/, ".png");
    document.body.appendChild(a); a.click(); a.remove();
  });
})();
