// Move keyboard focus to what needs attention after a failed submit: the error summary, or
// the first invalid field (accessible forms; no inline script, so a strict CSP can forbid it).
document.addEventListener("DOMContentLoaded", () => {
  const target = document.querySelector("#form-errors") || document.querySelector('[aria-invalid="true"]');
  if (target) target.focus();
});
