// The reviewer's PDF viewer (issue 19 §6): PDF.js, vendored under static/vendor/pdfjs, draws one
// page of the document at a time on a canvas; buttons turn pages and zoom, page numbers are in
// Persian digits. If PDF.js cannot load or read the file, the page's download link remains.
const FA = "۰۱۲۳۴۵۶۷۸۹";
const fa = (n) => String(n).replace(/\d/g, (d) => FA[Number(d)]);

async function start(root) {
  const status = root.querySelector("[data-status]");
  const toolbar = root.querySelector("[data-toolbar]");
  const label = root.querySelector("[data-page-label]");
  const canvas = root.querySelector("[data-canvas]");
  const stage = root.querySelector("[data-stage]");
  const buttons = {};
  root.querySelectorAll("[data-action]").forEach((b) => { buttons[b.dataset.action] = b; });
  let pdf;
  try {
    const lib = await import(root.dataset.lib);
    lib.GlobalWorkerOptions.workerSrc = root.dataset.worker;
    // the decoders and fonts PDF.js loads by name: the folders of two vendored files (their URLs
    // may carry a hash in production, the folder does not)
    const folder = (url) => new URL(".", new URL(url, window.location.href)).href;
    pdf = await lib.getDocument({
      url: root.dataset.src,
      isEvalSupported: false,
      withCredentials: true,
      wasmUrl: folder(root.dataset.wasm),
      standardFontDataUrl: folder(root.dataset.fonts),
    }).promise;
  } catch (error) {
    status.textContent = "نمایش این فایل در صفحه ممکن نشد؛ آن را با پیوند «دریافت فایل» در زیر ببینید.";
    stage.hidden = true;
    return;
  }
  let page = 1;
  let zoom = 1;
  let task = null; // the render in progress: a newer click cancels it
  let drawn = 0; // the number of the latest draw asked for; an older one stops where it is

  async function draw() {
    const mine = ++drawn;
    root.dataset.ready = "false";
    if (task) { task.cancel(); await task.promise.catch(() => {}); }
    const current = await pdf.getPage(page);
    if (mine !== drawn) return;
    const base = current.getViewport({ scale: 1 });
    const width = Math.max(stage.clientWidth, 200);
    const scale = (width / base.width) * zoom;
    const viewport = current.getViewport({ scale: scale * (window.devicePixelRatio || 1) });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.style.width = `${Math.floor(viewport.width / (window.devicePixelRatio || 1))}px`;
    task = current.render({ canvasContext: canvas.getContext("2d"), viewport });
    try {
      await task.promise;
    } catch (error) {
      return; // cancelled by a newer click, which draws and labels the page itself
    }
    if (mine !== drawn) return;
    task = null;
    label.textContent = `صفحهٔ ${fa(page)} از ${fa(pdf.numPages)}`;
    canvas.setAttribute("aria-label", `صفحهٔ ${fa(page)} از ${fa(pdf.numPages)} فایل «${root.dataset.title}»`);
    buttons["prev-page"].disabled = page <= 1;
    buttons["next-page"].disabled = page >= pdf.numPages;
    buttons["zoom-out"].disabled = zoom <= 0.5;
    buttons["zoom-in"].disabled = zoom >= 3;
    root.dataset.ready = "true";
  }

  buttons["prev-page"].addEventListener("click", () => { if (page > 1) { page -= 1; draw(); } });
  buttons["next-page"].addEventListener("click", () => { if (page < pdf.numPages) { page += 1; draw(); } });
  buttons["zoom-out"].addEventListener("click", () => { zoom = Math.max(0.5, zoom - 0.25); draw(); });
  buttons["zoom-in"].addEventListener("click", () => { zoom = Math.min(3, zoom + 0.25); draw(); });
  toolbar.hidden = false;
  status.hidden = true;
  await draw();
}

document.querySelectorAll("[data-doc-viewer]").forEach((root) => { start(root); });
