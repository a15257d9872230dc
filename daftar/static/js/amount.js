// Amounts in rials (daftar.kernel.forms.AmountInput, <input data-amount="rial">): the digits are
// grouped as they are typed («۱٬۲۵۰٬۰۰۰», Persian digits and the Persian thousands separator)
// and the amount is said in words in the hint beside the box (aria-live, so a screen reader
// hears it). The server takes grouped or plain input in any digits. No inline script (CSP).
(function () {
  "use strict";

  const FA = "۰۱۲۳۴۵۶۷۸۹";
  const ONES = ["", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه"];
  const TEENS = ["ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده"];
  const TENS = ["", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود"];
  const HUNDREDS = ["", "صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد"];
  const SCALES = ["", "هزار", "میلیون", "میلیارد", "هزار میلیارد"];

  const latinDigits = (text) =>
    String(text)
      .replace(/[۰-۹]/g, (d) => String(FA.indexOf(d)))
      .replace(/[٠-٩]/g, (d) => String("٠١٢٣٤٥٦٧٨٩".indexOf(d)));
  const persianDigits = (text) => String(text).replace(/[0-9]/g, (d) => FA[d]);

  function grouped(digits) {
    return persianDigits(digits.replace(/\B(?=(\d{3})+(?!\d))/g, "٬"));
  }

  function threeDigits(n) {
    const parts = [];
    const h = Math.floor(n / 100);
    const rest = n % 100;
    if (h) parts.push(HUNDREDS[h]);
    if (rest >= 10 && rest < 20) parts.push(TEENS[rest - 10]);
    else {
      if (TENS[Math.floor(rest / 10)]) parts.push(TENS[Math.floor(rest / 10)]);
      if (ONES[rest % 10]) parts.push(ONES[rest % 10]);
    }
    return parts.join(" و ");
  }

  // The same words as daftar.kernel.normalize.number_in_words (digits: a string of 0-9).
  function words(digits) {
    let n = BigInt(digits);
    if (n === 0n) return "صفر";
    const groups = [];
    let scale = 0;
    while (n > 0n && scale < SCALES.length) {
      const chunk = Number(n % 1000n);
      n = n / 1000n;
      if (chunk) {
        const w = chunk === 1 && scale === 1 ? "" : threeDigits(chunk);
        groups.push((w + " " + SCALES[scale]).trim());
      }
      scale += 1;
    }
    if (n > 0n) groups.push(persianDigits(n.toString()) + " " + SCALES[SCALES.length - 1] + " هزار");
    return groups.reverse().join(" و ");
  }

  function update(input, keepCaret) {
    const raw = latinDigits(input.value);
    const digits = raw.replace(/[^0-9]/g, "").replace(/^0+(?=\d)/, "");
    const hint = document.getElementById(input.id + "_words");
    if (!digits || /[^0-9٬,،\s]/.test(raw)) {
      // not a plain amount (or empty): leave the text as typed; the server explains
      if (hint) hint.textContent = "";
      return;
    }
    if (keepCaret) {
      // keep the caret after the same number of digits
      const before = latinDigits(input.value.slice(0, input.selectionStart || 0)).replace(/[^0-9]/g, "").length;
      input.value = grouped(digits);
      let seen = 0;
      let pos = 0;
      while (pos < input.value.length && seen < before) {
        if (/[۰-۹]/.test(input.value[pos])) seen += 1;
        pos += 1;
      }
      input.setSelectionRange(pos, pos);
    } else {
      input.value = grouped(digits);
    }
    if (hint) hint.textContent = digits.length > 18 ? "" : words(digits) + " ریال";
  }

  function init(root) {
    root.querySelectorAll('input[data-amount="rial"]').forEach((input) => {
      if (input.dataset.amountReady) return;
      input.dataset.amountReady = "1";
      input.addEventListener("input", () => update(input, document.activeElement === input));
      update(input, false);
    });
  }

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:afterSwap", (event) => init(event.target));
})();
