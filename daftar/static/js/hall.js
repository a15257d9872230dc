// The hall queue (issue 22 §3): pages that update themselves, with no inline script (CSP).
// - [data-queue-url]: the hall's screen polls the public queue every few seconds and redraws
//   the counters, the number last called (announced politely to screen readers) and the next.
// - [data-ticket-url]: a ticket's page polls its own state and redraws its position and wait.
// - [data-kiosk-reset]: the kiosk's ticket slip goes back to the service buttons by itself.
// Numbers are shown in Persian digits; a failed poll keeps the last figures and says they are old.
(function () {
  const FA = "۰۱۲۳۴۵۶۷۸۹";
  const fa = (value) => String(value).replace(/[0-9]/g, (d) => FA[Number(d)]);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function clock() {
    const now = new Date();
    return fa(String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0"));
  }

  async function fetchJson(url) {
    const answer = await fetch(url, { headers: { Accept: "application/json" }, credentials: "omit", cache: "no-store" });
    if (!answer.ok) throw new Error(String(answer.status));
    return answer.json();
  }

  function startDisplay(root) {
    const url = root.dataset.queueUrl;
    const status = document.getElementById("d-status");
    let last = null;
    let failures = 0;
    async function tick() {
      try {
        const q = await fetchJson(url);
        failures = 0;
        document.getElementById("d-waiting").textContent = fa(q.waiting);
        document.getElementById("d-wait").textContent = fa(q.estimated_wait_minutes);
        const lastBox = document.getElementById("d-last");
        const key = q.now_serving === null ? "" : q.now_serving + "@" + q.now_serving_counter;
        if (key !== last) {
          lastBox.replaceChildren();
          if (q.now_serving === null) {
            lastBox.append(el("span", "fs-2", "هنوز نوبتی فراخوانده نشده است"));
          } else {
            lastBox.append(el("span", "hall-number fw-bold", fa(q.now_serving)), " ",
              el("span", "fs-1", "← باجهٔ " + fa(q.now_serving_counter)));
            if (last !== null) {
              lastBox.classList.remove("hall-called");
              void lastBox.offsetWidth;
              lastBox.classList.add("hall-called");
            }
          }
          last = key;
        }
        const counters = document.getElementById("d-counters");
        counters.replaceChildren();
        if (!q.counters.length) counters.append(el("li", "col-12 fs-4", "باجه‌ها آمادهٔ فراخواندن‌اند."));
        q.counters.forEach((c) => {
          const card = el("div", "hall-card");
          card.append(el("span", "fs-4", "باجهٔ " + fa(c.counter)), el("span", "hall-mid fw-bold", fa(c.number)));
          const item = el("li", "col-6 col-md-4");
          item.append(card);
          counters.append(item);
        });
        const next = document.getElementById("d-next");
        next.replaceChildren();
        if (!q.next.length) next.append(el("li", "list-inline-item fs-4 fw-normal", "کسی در صف نیست"));
        q.next.forEach((n) => next.append(el("li", "list-inline-item hall-next", fa(n))));
        status.classList.remove("is-stale");
        status.textContent = "به‌روز شده در " + clock();
      } catch (error) {
        failures += 1;
        if (failures >= 2) {
          status.classList.add("is-stale");
          status.textContent = "ارتباط با سامانه برقرار نیست؛ ارقام ممکن است کهنه باشند.";
        }
      }
    }
    setInterval(tick, 5000);
  }

  function startTicket(root) {
    const url = root.dataset.ticketUrl;
    const live = document.getElementById("t-live");
    const serving = document.getElementById("t-serving");
    let timer = null;
    let shown = null;
    async function tick() {
      try {
        const t = await fetchJson(url);
        if (serving) serving.textContent = t.now_serving === null ? "—" : fa(t.now_serving);
        // redrawn only when it changed: the live region is announced on every redraw
        const key = [t.status, t.position, t.estimated_wait_minutes, t.counter].join("|");
        if (key === shown) return;
        shown = key;
        live.replaceChildren();
        if (t.status === "waiting" && t.position === null) {
          const over = el("p", "fs-5 mb-0", "روز کاری این نوبت گذشته است.");
          over.id = "t-ended";
          live.append(over);
          clearInterval(timer);
        } else if (t.status === "waiting") {
          const ahead = el("p", "fs-4 mb-1");
          ahead.id = "t-ahead";
          if (t.ahead > 0) ahead.append("پیش از شما ", el("strong", "", fa(t.ahead)), " نفر");
          else ahead.append(el("strong", "", "شما نفر بعد هستید"));
          const wait = el("p", "fs-5 mb-0");
          wait.id = "t-wait";
          if (t.estimated_wait_minutes > 0) wait.append("انتظار حدود ", el("strong", "", fa(t.estimated_wait_minutes)), " دقیقه");
          else wait.append("به‌زودی فراخوانده می‌شوید");
          live.append(ahead, wait);
        } else if (t.status === "called") {
          const called = el("p", "fs-3 fw-bold text-success mb-0", "نوبت شماست: به باجهٔ " + fa(t.counter) + " بروید.");
          called.id = "t-called";
          live.append(called);
        } else {
          const ended = el("p", "fs-5 mb-0", "این نوبت به پایان رسیده است: " + t.status_display + ".");
          ended.id = "t-ended";
          live.append(ended);
          clearInterval(timer);
        }
      } catch (error) {
        /* keep the last figures; the next poll may succeed */
      }
    }
    timer = setInterval(tick, 15000);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const display = document.querySelector("[data-queue-url]");
    if (display) startDisplay(display);
    const ticket = document.querySelector("[data-ticket-url]");
    if (ticket) startTicket(ticket);
    const kiosk = document.querySelector("[data-kiosk-reset]");
    if (kiosk) {
      const seconds = Number(kiosk.dataset.resetSeconds || "25");
      setTimeout(() => window.location.assign(kiosk.dataset.kioskReset), seconds * 1000);
    }
  });
})();
