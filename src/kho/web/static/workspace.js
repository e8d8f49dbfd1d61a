// Kho workspace: upload progress, SQL highlighting and charts. Every page works without it.

const $ = (id) => document.getElementById(id);
const fill = (text, params) => text.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ""));
const numbers = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-US" : "vi-VN");

// Upload: XHR upload events for sending, then polling the job for rows read ------------------
function setUpUpload() {
  const form = $("upload-form");
  if (!form) return;
  const words = JSON.parse($("ws-words").textContent);
  const choice = $("dataset");
  const fresh = $("new-dataset");
  const toggle = () => { fresh.hidden = choice.value !== "__new__"; };
  choice.addEventListener("change", toggle);
  toggle();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    data.append("background", "1");
    const box = $("upload-progress");
    const sendBar = $("bar-upload");
    const workBar = $("bar-process");
    const text = $("progress-text");
    const button = $("upload-button");
    box.hidden = false;
    $("progress-done").hidden = true;
    sendBar.value = 0;
    workBar.value = 0;
    text.classList.remove("ws-error");
    button.disabled = true;

    const fail = (message) => {
      text.textContent = words.failed + " " + message;
      text.classList.add("ws-error");
      text.setAttribute("role", "alert");
      button.disabled = false;
    };
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRF-Token", data.get("csrf_token"));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      const percent = Math.round((100 * e.loaded) / e.total);
      sendBar.value = percent;
      text.textContent = fill(words.sending, { percent });
    });
    xhr.addEventListener("load", () => {
      const body = xhr.response || {};
      if (xhr.status !== 200 || !body.status_url) {
        fail((body.error && (body.error.message || body.error)) || xhr.statusText);
        return;
      }
      sendBar.value = 100;
      workBar.removeAttribute("value");  // indeterminate until the rows are counted
      poll(body.status_url, { words, workBar, text, fail, button });
    });
    xhr.addEventListener("error", () => fail(words.lost));
    xhr.send(data);
  });
}

function poll(url, ui) {
  const tick = async () => {
    let job;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      job = await response.json();
      if (!response.ok) throw new Error(job.error || response.statusText);
    } catch (err) {
      ui.fail(ui.words.lost);
      return;
    }
    if (job.state === "running") {
      ui.text.textContent = fill(ui.words.processing, { rows: numbers.format(job.rows) });
      setTimeout(tick, 400);
      return;
    }
    if (job.state === "failed") {
      ui.workBar.value = 0;
      ui.fail(job.error);
      return;
    }
    ui.workBar.value = 100;
    ui.text.textContent = fill(ui.words.done, {
      loaded: numbers.format(job.rows_loaded),
      rejected: numbers.format(job.rows_rejected),
    });
    const link = $("report-link");
    link.href = job.report_url;
    $("progress-done").hidden = false;
    ui.button.disabled = false;
    link.focus();
  };
  tick();
}

// SQL: highlighted editor (a highlighted copy under a transparent textarea) ------------------
async function setUpEditor() {
  const area = $("sql");
  const code = $("sql-highlight");
  if (!area || !code) return;
  const [{ default: hljs }, { default: sql }] = await Promise.all([
    import("/static/vendor/highlightjs/core.min.js"),
    import("/static/vendor/highlightjs/sql.min.js"),
  ]);
  hljs.registerLanguage("sql", sql);
  const pre = code.parentElement;
  const paint = () => {
    // A trailing newline needs a character after it, or the copy is one line short.
    code.innerHTML = hljs.highlight(area.value + "\n ", { language: "sql", ignoreIllegals: true }).value;
    pre.scrollTop = area.scrollTop;
    pre.scrollLeft = area.scrollLeft;
  };
  area.addEventListener("input", paint);
  area.addEventListener("scroll", () => { pre.scrollTop = area.scrollTop; pre.scrollLeft = area.scrollLeft; });
  area.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); area.form.requestSubmit(); }
  });
  paint();
  area.parentElement.classList.add("highlighted");
}

// Chart from the results (Chart.js, vendored) ---------------------------------------------
const PALETTE = ["#1d4ed8", "#c2410c", "#047857", "#b91c1c", "#6d28d9", "#0e7490", "#be185d", "#4d7c0f"];

function setUpChart() {
  const holder = $("sql-data");
  const form = $("chart-form");
  if (!holder || !form || !window.Chart) return;
  const data = JSON.parse(holder.textContent);
  if (!data) return;
  let chart = null;
  const draw = () => {
    const kind = $("chart-type").value;
    const xi = data.columns.indexOf($("chart-x").value);
    const yi = data.columns.indexOf($("chart-y").value);
    const rows = data.rows.filter((r) => r[yi] !== null && !Number.isNaN(Number(r[yi])));
    if (chart) chart.destroy();
    chart = new window.Chart($("chart"), {
      type: kind,
      data: {
        labels: rows.map((r) => String(r[xi])),
        datasets: [{
          label: data.columns[yi],
          data: rows.map((r) => Number(r[yi])),
          backgroundColor: kind === "pie" ? rows.map((_, i) => PALETTE[i % PALETTE.length]) : PALETTE[0],
          borderColor: PALETTE[0],
        }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: kind === "pie" } },
        scales: kind === "pie" ? {} : { y: { ticks: { callback: (v) => numbers.format(v) } } },
      },
    });
    $("chart").dataset.points = String(rows.length);
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    draw();
    history.replaceState(null, "", "?" + new URLSearchParams(new FormData(form)).toString());
  });
  const yi = data.columns.indexOf($("chart-y").value);
  if (data.rows.length && data.rows.some((r) => typeof r[yi] === "number")) draw();
}

setUpUpload();
setUpChart();
setUpEditor();
