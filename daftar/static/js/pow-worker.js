// The proof of work of a busy address (decision 0028): find n <= maxNumber with
// SHA-256(salt + n) == challenge (ALTCHA's first protocol), off the page's thread.
self.onmessage = async (event) => {
  const { challenge, salt, maxNumber } = event.data;
  const encoder = new TextEncoder();
  for (let n = 0; n <= maxNumber; n += 1) {
    const digest = await crypto.subtle.digest("SHA-256", encoder.encode(salt + n));
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    if (hex === challenge) {
      self.postMessage({ number: n });
      return;
    }
  }
  self.postMessage({ number: null });
};
