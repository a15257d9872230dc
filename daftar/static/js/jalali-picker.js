// The Jalali date picker (issue 18 §5, issue 19 §3). Every <input data-jalali="date|month|datetime">
// (daftar.kernel.forms JalaliDateInput and kin) gets a button that opens a calendar dialog after
// the WAI-ARIA Authoring Practices' "date picker dialog": a grid of days (or of months) moved
// through with the arrow keys, Page Up/Down for months, Shift+Page Up/Down for years, Home/End
// for the week, Enter or Space to choose and Escape to close, focus kept inside the dialog and
// given back to the button. The text box is never replaced: typed dates, in Persian or Latin
// digits, are what the server parses; the dialog only writes one in. Calendar arithmetic is
// jalaali-js (window.jalaali, vendored from the npm registry). No inline style or script: the
// layout is in css/app.css, so the strict Content-Security-Policy holds.
(function () {
  "use strict";

  const MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"];
  // Saturday first, as the Iranian week
  const WEEKDAYS = [["ش", "شنبه"], ["ی", "یکشنبه"], ["د", "دوشنبه"], ["س", "سه‌شنبه"], ["چ", "چهارشنبه"], ["پ", "پنجشنبه"], ["ج", "جمعه"]];
  const FA = "۰۱۲۳۴۵۶۷۸۹";
  const fa = (value) => String(value).replace(/[0-9]/g, (d) => FA[d]);
  const pad = (n) => (n < 10 ? "0" + n : String(n));
  const latin = (text) =>
    String(text)
      .replace(/[۰-۹]/g, (d) => String(FA.indexOf(d)))
      .replace(/[٠-٩]/g, (d) => String("٠١٢٣٤٥٦٧٨٩".indexOf(d)));

  let counter = 0;

  function today() {
    const now = new Date();
    const j = window.jalaali.toJalaali(now.getFullYear(), now.getMonth() + 1, now.getDate());
    return { y: j.jy, m: j.jm, d: j.jd };
  }

  // The date typed in the box (Jalali y/m/d, or y/m for a month), or null.
  function parse(text, kind) {
    const t = latin(text).trim();
    const match = kind === "month" ? /^(\d{4})[\/\-.](\d{1,2})/.exec(t) : /^(\d{4})[\/\-.](\d{1,2})[\/\-.](\d{1,2})/.exec(t);
    if (!match) return null;
    const y = Number(match[1]);
    const m = Number(match[2]);
    const d = kind === "month" ? 1 : Number(match[3]);
    if (y < 1300 || y > 1700 || !window.jalaali.isValidJalaaliDate(y, m, d)) return null;
    return { y: y, m: m, d: d };
  }

  function monthLength(y, m) {
    return window.jalaali.jalaaliMonthLength(y, m);
  }

  // 0 = Saturday … 6 = Friday
  function weekday(y, m, d) {
    const g = window.jalaali.toGregorian(y, m, d);
    return (new Date(g.gy, g.gm - 1, g.gd).getDay() + 1) % 7;
  }

  function shiftDays(date, days) {
    const g = window.jalaali.toGregorian(date.y, date.m, date.d);
    const moved = new Date(g.gy, g.gm - 1, g.gd + days);
    const j = window.jalaali.toJalaali(moved.getFullYear(), moved.getMonth() + 1, moved.getDate());
    return { y: j.jy, m: j.jm, d: j.jd };
  }

  function shiftMonths(date, months) {
    let index = date.y * 12 + (date.m - 1) + months;
    const y = Math.floor(index / 12);
    const m = (index % 12) + 1;
    return { y: y, m: m, d: Math.min(date.d, monthLength(y, m)) };
  }

  function same(a, b) {
    return a && b && a.y === b.y && a.m === b.m && a.d === b.d;
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The ids of the elements that label the field (its <label>, given an id if it has none, or
  // its aria-labelledby), or "" when it has none.
  function labelIds(input) {
    const given = input.getAttribute("aria-labelledby");
    if (given) return given;
    const label = input.labels && input.labels[0];
    if (!label) return "";
    if (!label.id) {
      let candidate = (input.id || "jalali-" + counter) + "-label";
      while (document.getElementById(candidate)) candidate += "-";
      label.id = candidate;
    }
    return label.id;
  }

  function enhance(input) {
    if (input.dataset.jalaliReady) return;
    input.dataset.jalaliReady = "1";
    const kind = input.dataset.jalali;
    const id = "jalali-" + ++counter;

    const wrap = el("div", { class: "jalali-wrap input-group" });
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    const opener = el("button", {
      type: "button",
      class: "btn btn-outline-secondary jalali-open",
      "aria-haspopup": "dialog",
      "aria-expanded": "false",
      "aria-controls": id,
      // no word of a field's label («تاریخ», «ماه»): a search by label finds the text box alone
      "aria-label": "باز کردن تقویم",
    });
    // …but described by the field's label, so two calendar buttons on a page («از ماه», «تا ماه»)
    // are told apart by a screen reader
    const described = labelIds(input);
    if (described) opener.setAttribute("aria-describedby", described);
    opener.appendChild(el("span", { class: "jalali-icon", "aria-hidden": "true" }));
    opener.appendChild(el("span", { class: "visually-hidden-focusable jalali-open-text" }, "تقویم"));
    wrap.appendChild(opener);

    const dialog = el("div", {
      id: id,
      class: "jalali-dialog card shadow",
      role: "dialog",
      "aria-modal": "true",
      "aria-label": "تقویم شمسی",
      hidden: "",
    });
    wrap.appendChild(dialog);
    // one live region that outlives every drawing of the dialog, for the month now shown
    const live = el("span", { class: "visually-hidden", "aria-live": "polite" });
    wrap.appendChild(live);

    let shown = null; // the month (or year, in month mode) on screen, with the focused day
    let chosen = null;

    function header(title, prevLabel, nextLabel, onPrev, onNext, prevBigLabel, nextBigLabel, onPrevBig, onNextBig) {
      const bar = el("div", { class: "jalali-head d-flex align-items-center justify-content-between gap-1 mb-2" });
      // in a right-to-left page the earlier period is on the right (the first button), its
      // arrow pointing right
      if (onPrevBig) bar.appendChild(navButton("»", prevBigLabel, onPrevBig));
      bar.appendChild(navButton("›", prevLabel, onPrev));
      const h = el("h2", { class: "h6 m-0 flex-grow-1 text-center", id: id + "-title" }, title);
      live.textContent = title; // said by screen readers: the dialog itself is drawn anew
      bar.appendChild(h);
      bar.appendChild(navButton("‹", nextLabel, onNext));
      if (onNextBig) bar.appendChild(navButton("«", nextBigLabel, onNextBig));
      return bar;
    }

    function navButton(symbol, label, handler) {
      const b = el("button", {
        type: "button",
        class: "btn btn-sm btn-outline-secondary jalali-nav",
        "aria-label": label,
        "data-nav": label,
      });
      b.appendChild(el("span", { "aria-hidden": "true" }, symbol));
      b.addEventListener("click", () => {
        handler();
        // the dialog was drawn anew: the focus goes back to this same button, inside it
        const again = dialog.querySelector('[data-nav="' + label + '"]');
        if (again) again.focus();
      });
      return b;
    }

    function footer() {
      const bar = el("div", { class: "jalali-foot d-flex justify-content-between gap-2 mt-2" });
      const now = el("button", { type: "button", class: "btn btn-sm btn-outline-primary" }, kind === "month" ? "این ماه" : "امروز");
      now.addEventListener("click", () => choose(today()));
      const close = el("button", { type: "button", class: "btn btn-sm btn-outline-secondary" }, "بستن");
      close.addEventListener("click", () => hide(true));
      bar.appendChild(now);
      bar.appendChild(close);
      return bar;
    }

    function renderDays(focus) {
      dialog.replaceChildren();
      dialog.appendChild(
        header(
          MONTHS[shown.m - 1] + " " + fa(shown.y),
          "ماه پیش",
          "ماه بعد",
          () => move(shiftMonths(shown, -1), false),
          () => move(shiftMonths(shown, 1), false),
          "سال پیش",
          "سال بعد",
          () => move(shiftMonths(shown, -12), false),
          () => move(shiftMonths(shown, 12), false)
        )
      );
      const table = el("table", { class: "jalali-grid", role: "grid", "aria-labelledby": id + "-title" });
      const head = el("thead");
      const hr = el("tr");
      for (const [short, full] of WEEKDAYS) {
        const th = el("th", { scope: "col", abbr: full });
        th.appendChild(el("span", { "aria-hidden": "true" }, short));
        th.appendChild(el("span", { class: "visually-hidden" }, full));
        hr.appendChild(th);
      }
      head.appendChild(hr);
      table.appendChild(head);
      const body = el("tbody");
      const first = weekday(shown.y, shown.m, 1);
      const length = monthLength(shown.y, shown.m);
      const now = today();
      let row = el("tr");
      for (let i = 0; i < first; i++) row.appendChild(el("td", { class: "jalali-empty" }));
      for (let d = 1; d <= length; d++) {
        const date = { y: shown.y, m: shown.m, d: d };
        const td = el("td");
        const button = el(
          "button",
          {
            type: "button",
            class: "jalali-day" + (same(date, now) ? " jalali-today" : ""),
            tabindex: d === shown.d ? "0" : "-1",
            "aria-label": fa(d) + " " + MONTHS[shown.m - 1] + " " + fa(shown.y) + (same(date, now) ? "، امروز" : ""),
            "data-day": String(d),
          },
          fa(d)
        );
        if (same(date, chosen)) button.setAttribute("aria-pressed", "true");
        button.addEventListener("click", () => choose(date));
        button.addEventListener("keydown", (event) => dayKey(event, date));
        td.appendChild(button);
        row.appendChild(td);
        if ((first + d) % 7 === 0) {
          body.appendChild(row);
          row = el("tr");
        }
      }
      if (row.children.length) body.appendChild(row);
      table.appendChild(body);
      dialog.appendChild(table);
      dialog.appendChild(el("p", { class: "visually-hidden" }, "با کلیدهای جهت‌دار روز، با Page Up و Page Down ماه را عوض کنید."));
      dialog.appendChild(footer());
      if (focus) dialog.querySelector('.jalali-day[tabindex="0"]').focus();
    }

    function renderMonths(focus) {
      dialog.replaceChildren();
      dialog.appendChild(
        header(
          "سال " + fa(shown.y),
          "سال پیش",
          "سال بعد",
          () => move(shiftMonths(shown, -12), false),
          () => move(shiftMonths(shown, 12), false)
        )
      );
      const grid = el("div", { class: "jalali-months", role: "group", "aria-labelledby": id + "-title" });
      MONTHS.forEach((name, index) => {
        const m = index + 1;
        const date = { y: shown.y, m: m, d: 1 };
        const b = el(
          "button",
          {
            type: "button",
            class: "btn btn-sm btn-outline-secondary jalali-month",
            tabindex: m === shown.m ? "0" : "-1",
            "aria-label": name + " " + fa(shown.y),
          },
          name
        );
        if (chosen && chosen.y === shown.y && chosen.m === m) b.setAttribute("aria-pressed", "true");
        b.addEventListener("click", () => choose(date));
        b.addEventListener("keydown", (event) => monthKey(event, m));
        grid.appendChild(b);
      });
      dialog.appendChild(grid);
      dialog.appendChild(footer());
      if (focus) dialog.querySelector('.jalali-month[tabindex="0"]').focus();
    }

    function render(focus) {
      if (kind === "month") renderMonths(focus);
      else renderDays(focus);
    }

    function move(date, focus) {
      shown = date;
      render(focus);
    }

    function dayKey(event, date) {
      const rtl = getComputedStyle(dialog).direction === "rtl";
      const steps = {
        ArrowLeft: rtl ? 1 : -1,
        ArrowRight: rtl ? -1 : 1,
        ArrowUp: -7,
        ArrowDown: 7,
      };
      let next = null;
      if (event.key in steps) next = shiftDays(date, steps[event.key]);
      else if (event.key === "PageUp") next = shiftMonths(date, event.shiftKey ? -12 : -1);
      else if (event.key === "PageDown") next = shiftMonths(date, event.shiftKey ? 12 : 1);
      else if (event.key === "Home") next = shiftDays(date, -weekday(date.y, date.m, date.d));
      else if (event.key === "End") next = shiftDays(date, 6 - weekday(date.y, date.m, date.d));
      if (next) {
        event.preventDefault();
        move(next, true);
      }
    }

    function monthKey(event, m) {
      const rtl = getComputedStyle(dialog).direction === "rtl";
      const steps = { ArrowLeft: rtl ? 1 : -1, ArrowRight: rtl ? -1 : 1, ArrowUp: -3, ArrowDown: 3 };
      let next = null;
      if (event.key in steps) next = shiftMonths({ y: shown.y, m: m, d: 1 }, steps[event.key]);
      else if (event.key === "PageUp") next = shiftMonths({ y: shown.y, m: m, d: 1 }, -12);
      else if (event.key === "PageDown") next = shiftMonths({ y: shown.y, m: m, d: 1 }, 12);
      if (next) {
        event.preventDefault();
        move(next, true);
      }
    }

    function choose(date) {
      const text = kind === "month" ? date.y + "/" + pad(date.m) : date.y + "/" + pad(date.m) + "/" + pad(date.d);
      let value = fa(text);
      if (kind === "datetime") {
        const time = /(\d{1,2}):(\d{2})\s*$/.exec(latin(input.value));
        value += " " + fa(time ? pad(Number(time[1])) + ":" + time[2] : "08:00");
      }
      input.value = value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      hide(false);
      input.focus();
      if (kind === "datetime") input.setSelectionRange(input.value.length - 5, input.value.length);
    }

    function show() {
      chosen = parse(input.value, kind);
      shown = chosen ? { ...chosen } : today();
      dialog.hidden = false;
      opener.setAttribute("aria-expanded", "true");
      render(true);
      document.addEventListener("mousedown", outside, true);
    }

    function hide(refocus) {
      if (dialog.hidden) return;
      dialog.hidden = true;
      opener.setAttribute("aria-expanded", "false");
      document.removeEventListener("mousedown", outside, true);
      if (refocus) opener.focus();
    }

    function outside(event) {
      if (!wrap.contains(event.target)) hide(false);
    }

    opener.addEventListener("click", () => (dialog.hidden ? show() : hide(true)));
    dialog.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        hide(true);
      } else if (event.key === "Tab") {
        // keep the focus inside the dialog while it is open (aria-modal)
        const stops = Array.from(dialog.querySelectorAll("button")).filter(
          (b) => b.getAttribute("tabindex") !== "-1"
        );
        const first = stops[0];
        const last = stops[stops.length - 1];
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }
    });
  }

  function enhanceAll(root) {
    if (!window.jalaali) return; // the text box alone still works
    (root || document).querySelectorAll("input[data-jalali]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", () => enhanceAll(document));
  // pages that swap parts in with htmx
  document.addEventListener("htmx:afterSwap", (event) => enhanceAll(event.target));
})();
