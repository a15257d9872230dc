// A busy address's login also carries a proof of work (decision 0028). The page hands the
// challenge in data-pow-challenge; a web worker (pow-worker.js, same host) solves it; the
// answer goes into the hidden pow_solution field, and the submit button waits for it.
document.addEventListener("DOMContentLoaded", () => {
  const field = document.querySelector("[data-pow-challenge]");
  if (!field || !window.Worker || !window.crypto || !crypto.subtle) return;
  const challenge = JSON.parse(field.dataset.powChallenge);
  const status = document.getElementById("pow-status");
  const submit = document.getElementById("login-submit");
  if (submit) submit.disabled = true;
  const worker = new Worker(field.dataset.powWorker);
  worker.onerror = () => {  // no worker after all: the form still goes, and the server explains
    if (submit) submit.disabled = false;
  };
  worker.onmessage = (event) => {
    worker.terminate();
    if (submit) submit.disabled = false;
    if (event.data.number === null) return;
    const solution = {
      algorithm: challenge.algorithm,
      challenge: challenge.challenge,
      number: event.data.number,
      salt: challenge.salt,
      signature: challenge.signature,
    };
    field.value = btoa(JSON.stringify(solution));
    if (status) status.textContent = field.dataset.powDone;
  };
  worker.postMessage({ challenge: challenge.challenge, salt: challenge.salt, maxNumber: challenge.maxNumber });
});
