// Chart bootstrapper (issue 6, S18): every <canvas data-chart="ID"> is drawn with the
// self-hosted Chart.js from the JSON data island <script type="application/json" id="ID">
// (Django's json_script; not executable, so a strict CSP forbidding inline script holds).
//
// Data island: {"kind", "labels": [...], "unit": "ریال",
//               "datasets": [{"label", "type": "bar"|"line", "data": [...], "color", "stack"?}]}
// "horizontal": true draws bars across (issue 21 §5: long labels on a 360 px phone), growing
// from the right, one bar per label, the canvas as tall as its bars; a null value draws no bar.
// Right-to-left: the category axis runs from the right, the value axis sits on the right,
// legends and tooltips are RTL; every number on ticks and in tooltips is in Persian digits
// (Intl.NumberFormat("fa-IR")); the font is the self-hosted Vazirmatn.
(function () {
  "use strict";

  var PALETTE = ["#1f6f8b", "#e09f3e", "#2e7d32", "#9e2a2b", "#6a4c93", "#335c67", "#c0392b", "#8a9a5b",
    "#3d5a80", "#bc6c25", "#588157", "#7f5539"];
  var number = new Intl.NumberFormat("fa-IR");
  var compact = new Intl.NumberFormat("fa-IR", { notation: "compact", maximumFractionDigits: 1 });
  var DIGITS = "۰۱۲۳۴۵۶۷۸۹";

  function faDigits(text) {
    return String(text).replace(/[0-9]/g, function (d) { return DIGITS[+d]; });
  }

  // A true minus sign, kept on the left of its digits inside right-to-left text: «−۲۰۰ میلیون»,
  // never «۲۰۰- میلیون». The left-to-right mark makes the sign and the digits one left-to-right
  // run (Unicode bidi rule W7), whatever the engine's fa-IR format puts before the number.
  var MINUS = "\u200E\u2212";

  function signed(value, format) {
    var text = faDigits(format(Math.abs(value)));
    return value < 0 ? MINUS + text : text;
  }

  function formatValue(value) {
    // compact() may fall back to Latin digits on engines without fa-IR compact data
    return signed(value, function (v) { return v >= 1e6 ? compact.format(v) : number.format(v); });
  }

  function formatExact(value) {
    return signed(value, function (v) { return number.format(v); });
  }

  // Every bar carries its value (our own tiny plugin, no dependency): above a bar that stands
  // alone, or above a stack its total; on a phone in a smaller type, turned upright when bars
  // are too narrow for the text.
  var barLabels = {
    id: "daftarBarLabels",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var narrow = chart.width < 576;
      var stacks = {};
      var labels = [];
      chart.data.datasets.forEach(function (dataset, i) {
        var meta = chart.getDatasetMeta(i);
        if (meta.type !== "bar" || meta.hidden || !chart.isDatasetVisible(i)) return;
        meta.data.forEach(function (bar, index) {
          var value = dataset.data[index];
          if (value === null || value === undefined) return;
          if (dataset.stack) {
            var key = dataset.stack + ":" + index;
            var s = stacks[key] || (stacks[key] = { total: 0, x: bar.x, y: bar.y, width: bar.width });
            s.total += value;
            s.y = Math.min(s.y, bar.y);
          } else if (chart.options.indexAxis === "y") {
            labels.push({ text: formatValue(value), x: bar.x, y: bar.y, across: true });
          } else {
            labels.push({ text: formatValue(value), x: bar.x, y: bar.y, below: value < 0, width: bar.width });
          }
        });
      });
      Object.keys(stacks).forEach(function (key) {
        var s = stacks[key];
        labels.push({ text: formatValue(s.total), x: s.x, y: s.y, below: false, width: s.width });
      });
      ctx.save();
      ctx.font = (narrow ? "11px " : "12px ") + window.Chart.defaults.font.family;
      ctx.fillStyle = "#212529";
      labels.forEach(function (label) {
        ctx.save();
        if (label.across) {  // beside the end of a bar that grows leftwards
          ctx.textAlign = "right";
          ctx.textBaseline = "middle";
          ctx.fillText(label.text, label.x - 4, label.y);
          ctx.restore();
          return;
        }
        var upright = ctx.measureText(label.text).width > label.width + 6;
        ctx.translate(label.x, label.below ? label.y + 4 : label.y - 4);
        if (upright) {
          ctx.rotate(-Math.PI / 2);
          ctx.textAlign = label.below ? "right" : "left";
          ctx.textBaseline = "middle";
        } else {
          ctx.textAlign = "center";
          ctx.textBaseline = label.below ? "top" : "bottom";
        }
        ctx.fillText(label.text, 0, 0);
        ctx.restore();
      });
      ctx.restore();
      chart.canvas.setAttribute("data-bar-labels", String(labels.length));  // what was labelled, for tests
    }
  };

  function withAlpha(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + ((n >> 16) & 255) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
  }

  function build(canvas, spec) {
    var stacked = spec.datasets.some(function (d) { return d.stack; });
    var datasets = spec.datasets.map(function (d, i) {
      var color = d.color || PALETTE[i % PALETTE.length];
      var line = d.type === "line";
      return {
        type: d.type || "bar",
        label: d.label,
        data: d.data,
        stack: d.stack,
        borderColor: color,
        backgroundColor: line ? withAlpha(color, 0.15) : withAlpha(color, 0.8),
        borderWidth: line ? 3 : 1,
        pointRadius: line ? 3 : 0,
        tension: 0,  // straight segments: a smoothed curve bulged above zero between losses
        fill: false,
        order: line ? 0 : 1
      };
    });
    var narrow = window.matchMedia("(max-width: 576px)").matches;
    if (spec.horizontal) return buildAcross(canvas, spec, datasets, narrow);
    return new window.Chart(canvas, {
      data: { labels: spec.labels, datasets: datasets },
      plugins: [barLabels],
      options: {
        layout: { padding: { top: narrow ? 40 : 24 } },
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: narrow ? 1.1 : 2,
        locale: "fa-IR",
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { reverse: true, stacked: stacked, ticks: { autoSkip: true, maxRotation: 60 } },
          y: {
            position: "right",
            stacked: stacked,
            beginAtZero: true,
            grace: "12%",  // room above the tallest bar for its label
            title: { display: !!spec.unit, text: spec.unit || "" },
            ticks: { callback: function (value) { return formatValue(value); } }
          }
        },
        plugins: {
          legend: { rtl: true, textDirection: "rtl", position: "bottom" },
          tooltip: {
            rtl: true,
            textDirection: "rtl",
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + formatExact(ctx.parsed.y) + (spec.unit ? " " + spec.unit : "");
              }
            }
          }
        }
      }
    });
  }

  function buildAcross(canvas, spec, datasets, narrow) {
    var box = canvas.parentNode;
    if (box && box.classList.contains("chart-box")) {
      box.style.height = (spec.labels.length * (narrow ? 34 : 30) + 70) + "px";  // CSSOM, allowed by the CSP
    }
    return new window.Chart(canvas, {
      data: { labels: spec.labels, datasets: datasets },
      plugins: [barLabels],
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        locale: "fa-IR",
        animation: false,
        interaction: { mode: "nearest", axis: "y", intersect: false },
        scales: {
          x: {
            reverse: true,
            beginAtZero: true,
            grace: "18%",  // room left of the longest bar for its label
            title: { display: !!spec.unit, text: spec.unit || "" },
            ticks: { callback: function (value) { return formatValue(value); }, maxTicksLimit: narrow ? 4 : 8 }
          },
          y: { position: "right", ticks: { autoSkip: false, font: { size: narrow ? 11 : 13 } } }
        },
        plugins: {
          legend: { display: datasets.length > 1, rtl: true, textDirection: "rtl", position: "bottom" },
          tooltip: {
            rtl: true,
            textDirection: "rtl",
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + formatExact(ctx.parsed.x) + (spec.unit ? " " + spec.unit : "");
              }
            }
          }
        }
      }
    });
  }

  function render() {
    if (!window.Chart) return;
    window.Chart.defaults.font.family = "Vazirmatn, system-ui, sans-serif";
    window.Chart.defaults.font.size = 13;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var island = document.getElementById(canvas.getAttribute("data-chart"));
      if (!island) return;
      try {
        build(canvas, JSON.parse(island.textContent));
        canvas.setAttribute("data-rendered", "true");
      } catch (err) {
        canvas.setAttribute("data-rendered", "error");
        if (window.console) window.console.error(err);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.fonts && document.fonts.load) {
      // draw once Vazirmatn is ready (canvas text does not re-render when a font arrives)
      Promise.all([document.fonts.load("13px Vazirmatn"), document.fonts.load("bold 13px Vazirmatn")])
        .catch(function () { return null; })
        .then(render);
    } else {
      render();
    }
  });
})();
