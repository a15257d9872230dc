// Move keyboard focus to what needs attention after a failed submit: the error summary, or
// the first invalid field (accessible forms; no inline script, so a strict CSP can forbid it).
document.addEventListener("DOMContentLoaded", () => {
  const target = document.querySelector("#form-errors") || document.querySelector('[aria-invalid="true"]');
  if (target) target.focus();
});

// Every form: a loading state and no double submit (issue 18 §5). The first submit marks the
// button that sent it busy (a spinner, aria-busy) and ignores further submits of that form until
// the next page arrives, however long an upload takes. The button is not disabled, so its name
// and value still go with the form. A page restored from the back/forward cache starts released;
// a form answered in place (htmx) is released when its answer came; a form marked data-download
// (the page stays while a file comes) is released after a few seconds. data-no-busy opts out.
(function () {
  const DOWNLOAD_RELEASE_MS = 4000;

  function release(form) {
    delete form.dataset.submitting;
    form.removeAttribute("aria-busy");
    form.querySelectorAll(".is-busy").forEach((b) => {
      b.classList.remove("is-busy");
      b.removeAttribute("aria-disabled");
    });
  }

  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || form.hasAttribute("data-no-busy")) return;
      if (form.dataset.submitting) {
        event.preventDefault();
        event.stopImmediatePropagation();
        return;
      }
      form.dataset.submitting = "1";
      form.setAttribute("aria-busy", "true");
      const button = event.submitter || form.querySelector('[type="submit"]');
      if (button) {
        button.classList.add("is-busy");
        button.setAttribute("aria-disabled", "true");
      }
      if (form.hasAttribute("data-download")) window.setTimeout(() => release(form), DOWNLOAD_RELEASE_MS);
    },
    true
  );

  window.addEventListener("pageshow", () => document.querySelectorAll("form[data-submitting]").forEach(release));
  // htmx requests answer in place: release when the answer came
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.target.closest ? event.target.closest("form") : null;
    if (form) release(form);
  });
})();

// File fields in Persian (the browser draws its own «Choose File / No file chosen» in the
// language of its interface, not the page's). The native control stays, transparent over a
// Persian face: clicks, keyboard focus, the label and the form's data are still its own.
(function () {
  function describe(input, names) {
    const files = Array.from(input.files || []);
    if (!files.length) {
      names.textContent = input.multiple ? "هیچ فایلی انتخاب نشده است" : "فایلی انتخاب نشده است";
      return;
    }
    const digits = (n) => String(n).replace(/[0-9]/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]);
    names.textContent = files.length === 1 ? files[0].name : digits(files.length) + " فایل: " + files.map((f) => f.name).join("، ");
  }

  function enhance(input) {
    if (input.dataset.fileReady || input.closest(".file-face")) return;
    input.dataset.fileReady = "1";
    const face = document.createElement("div");
    face.className = "file-face form-control";
    input.parentNode.insertBefore(face, input);
    const button = document.createElement("span");
    button.className = "file-face-button";
    button.setAttribute("aria-hidden", "true");
    button.textContent = input.multiple ? "انتخاب فایل‌ها" : "انتخاب فایل";
    const names = document.createElement("span");
    names.className = "file-face-names";
    names.setAttribute("aria-hidden", "true");
    face.appendChild(button);
    face.appendChild(names);
    face.appendChild(input);
    input.classList.add("file-native");
    if (input.classList.contains("is-invalid")) face.classList.add("is-invalid");
    describe(input, names);
    input.addEventListener("change", () => describe(input, names));
  }

  document.addEventListener("DOMContentLoaded", () => document.querySelectorAll('input[type="file"]').forEach(enhance));
})();
