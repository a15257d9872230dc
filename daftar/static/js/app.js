// Move keyboard focus to what needs attention after a failed submit: the error summary, or
// the first invalid field (accessible forms; no inline script, so a strict CSP can forbid it).
document.addEventListener("DOMContentLoaded", () => {
  const target = document.querySelector("#form-errors") || document.querySelector('[aria-invalid="true"]');
  if (target) target.focus();
});

// Every form: a loading state and no double submit (issue 18 §5). The first submit marks the
// button that sent it busy (a spinner, aria-busy) and ignores further submits of that form until
// the next page arrives. The button is not disabled, so its name and value still go with the
// form. A form that answers with a download (the page stays) is released after a while, and a
// page restored from the back/forward cache starts released. data-no-busy opts a form out.
(function () {
  const RELEASE_MS = 15000;

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
      window.setTimeout(() => release(form), RELEASE_MS);
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
