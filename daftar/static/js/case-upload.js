// The applicant's documents step (issue 19 §4.2): ONE area taking many files at once, by drag
// and drop or the Persian file control. Each queued file gets a select of the requirement it is
// for (guessed from its name, else the next missing one), and uploads in its own request to the
// case's upload address (the same server checks: content, size, CSRF), with a progress bar and
// its own Persian error. When every file went up and nothing is missing, the page reloads at the
// confirmation step. Without this script the plain form below it works alone.
(function () {
  const digits = (n) => String(n).replace(/[0-9]/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]);
  const NETWORK = "ارتباط با سامانه برقرار نشد؛ دوباره بکوشید.";
  const REFUSED = "بارگذاری این فایل پذیرفته نشد؛ صفحه را تازه کنید و دوباره بکوشید.";

  function guess(name, choices, taken) {
    const plain = name.toLowerCase().replace(/\.[a-z0-9]+$/, "").replace(/[-\s]+/g, "_");
    const byName = choices.find(([code, title]) => plain.includes(code) || name.includes(title));
    if (byName) return byName[0];
    const free = choices.find(([code]) => !taken.has(code));
    return free ? free[0] : choices[0][0];
  }

  function init() {
    const root = document.querySelector("[data-case-upload]");
    const data = document.getElementById("upload-choices");
    const fallback = document.getElementById("upload-fallback");
    if (!root || !data || !fallback || !window.XMLHttpRequest || !window.FormData) return;
    const choices = JSON.parse(data.textContent);
    const missingCodes = new Set(Array.from(document.querySelectorAll("[data-missing]")).map((li) => li.dataset.missing));
    // the missing ones first: a file without a telling name goes to the next one still needed
    choices.sort((a, b) => Number(!missingCodes.has(a[0])) - Number(!missingCodes.has(b[0])));
    const token = fallback.querySelector("input[name=csrfmiddlewaretoken]").value;
    const zone = root.querySelector(".drop-zone");
    const input = root.querySelector("#drop-input");
    const list = root.querySelector("#upload-queue");
    const button = root.querySelector("#upload-all");
    const queue = [];
    let counter = 0;
    root.hidden = false;
    fallback.hidden = true;

    function add(files) {
      const taken = new Set(queue.filter((q) => !q.done).map((q) => q.select.value));
      Array.from(files).forEach((file) => {
        counter += 1;
        const li = document.createElement("li");
        li.className = "upload-item";
        const name = document.createElement("div");
        name.className = "upload-name";
        name.textContent = file.name;
        const label = document.createElement("label");
        label.className = "form-label small mb-1";
        label.htmlFor = "upload-for-" + counter;
        label.textContent = "این فایل کدام مدرک است؟";
        const select = document.createElement("select");
        select.className = "form-select form-select-sm";
        select.id = "upload-for-" + counter;
        choices.forEach(([code, title]) => select.add(new Option(title, code)));
        select.value = guess(file.name, choices, taken);
        taken.add(select.value);
        const bar = document.createElement("progress");
        bar.className = "upload-progress";
        bar.max = 100;
        bar.value = 0;
        bar.setAttribute("aria-label", "پیشرفت بارگذاری " + file.name);
        const state = document.createElement("div");
        state.className = "upload-state small";
        state.setAttribute("role", "status");
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-link btn-sm text-danger p-0";
        remove.textContent = "حذف از فهرست";
        const item = { file, li, select, bar, state, done: false };
        remove.addEventListener("click", () => {
          queue.splice(queue.indexOf(item), 1);
          li.remove();
          button.hidden = !queue.some((q) => !q.done);
        });
        li.append(name, label, select, bar, state, remove);
        list.appendChild(li);
        queue.push(item);
      });
      button.hidden = !queue.some((q) => !q.done);
    }

    function send(item) {
      return new Promise((resolve) => {
        const form = new FormData();
        form.append("csrfmiddlewaretoken", token);
        form.append("type", item.select.value);
        form.append("file", item.file, item.file.name);
        const xhr = new XMLHttpRequest();
        xhr.open("POST", root.dataset.url);
        xhr.setRequestHeader("Accept", "application/json");
        xhr.setRequestHeader("X-CSRFToken", token);
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) item.bar.value = Math.round((100 * e.loaded) / e.total);
        };
        xhr.onload = () => {
          let body = null;
          try {
            body = JSON.parse(xhr.responseText);
          } catch (err) {
            body = null;
          }
          const ok = xhr.status < 400 && body && body.ok;
          item.li.classList.toggle("is-done", !!ok);
          item.li.classList.toggle("is-error", !ok);
          item.state.textContent = (body && body.message) || REFUSED;
          if (ok) {
            item.done = true;
            item.bar.value = 100;
            item.select.disabled = true;
            const row = document.querySelector('[data-document="' + body.code + '"]');
            if (row) {
              // uploaded, not yet reviewed: its own mark (✔ is for an accepted document only)
              row.dataset.state = "pending";
              row.querySelector(".doc-tick").textContent = "◐";
              const waiting = document.createElement("span");
              waiting.className = "doc-pending";
              waiting.textContent = "بارگذاری شد، در انتظار بررسی";
              row.querySelector(".review-state").replaceChildren(waiting);
            }
          }
          resolve(body);
        };
        xhr.onerror = () => {
          item.li.classList.add("is-error");
          item.state.textContent = NETWORK;
          resolve(null);
        };
        item.state.textContent = "در حال بارگذاری…";
        xhr.send(form);
      });
    }

    function showMissing(missing) {
      const box = document.getElementById("missing");
      if (!box || !missing) return;
      const count = document.getElementById("documents-count"); // «۱۰ مدرک لازم، ۹ مانده»
      if (count) count.textContent = count.textContent.replace(/[۰-۹]+ مانده$/, digits(missing.length) + " مانده");
      const ul = document.createElement("ul");
      ul.className = "mb-0 missing-inline";
      missing.forEach((r) => {
        const li = document.createElement("li");
        li.dataset.missing = r.code;
        li.textContent = r.title;
        ul.appendChild(li);
      });
      box.className = missing.length ? "alert alert-warning py-2" : "alert alert-success py-2";
      box.replaceChildren();
      if (missing.length) {
        const h = document.createElement("h3");
        h.className = "h6 mb-1";
        h.textContent = "هنوز لازم است (" + digits(missing.length) + "):";
        box.append(h, ul);
      } else {
        box.textContent = "همهٔ مدارک لازم بارگذاری شده است.";
      }
    }

    button.addEventListener("click", async () => {
      if (button.getAttribute("aria-busy") === "true") return;
      button.setAttribute("aria-busy", "true");
      button.classList.add("is-busy");
      let last = null;
      let failed = false;
      for (const item of queue.filter((q) => !q.done)) {
        const body = await send(item); // one at a time: the server throttles bursts of uploads
        if (body && body.missing) last = body;
        if (!item.done) failed = true;
      }
      button.removeAttribute("aria-busy");
      button.classList.remove("is-busy");
      button.hidden = !queue.some((q) => !q.done);
      if (last) showMissing(last.missing);
      if (!failed && last && last.missing.length === 0) {
        window.location.assign(root.dataset.reload);
        window.location.reload();
      }
    });

    input.addEventListener("change", () => {
      if (!input.files.length) return;
      add(input.files);
      input.value = ""; // the same file may be chosen again after a refusal
      input.dispatchEvent(new Event("change")); // the Persian face (app.js) says nothing is chosen now
    });
    ["dragenter", "dragover"].forEach((type) =>
      zone.addEventListener(type, (e) => {
        e.preventDefault();
        zone.classList.add("is-over");
      })
    );
    ["dragleave", "drop"].forEach((type) => zone.addEventListener(type, () => zone.classList.remove("is-over")));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) add(e.dataTransfer.files);
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
