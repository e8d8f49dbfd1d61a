// Offers the server-drawn map as PNG: the inline SVG is painted on a canvas at twice its size.
(function () {
  var figure = document.getElementById("map-figure");
  var button = document.getElementById("png");
  var svg = figure && figure.querySelector("svg");
  if (!svg || !button || !window.XMLSerializer) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var box = svg.viewBox.baseVal, scale = 2;
    var text = new XMLSerializer().serializeToString(svg);
    var url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml;charset=utf-8" }));
    var img = new Image();
    img.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = box.width * scale; canvas.height = box.height * scale;
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      var a = document.createElement("a");
      a.href = canvas.toDataURL("image/png");
      a.download = (document.getElementById("svg").getAttribute("download") || "map.svg").replace(/\.svg$/, ".png");
      document.body.appendChild(a); a.click(); a.remove();
    };
    img.src = url;
  });
})();
