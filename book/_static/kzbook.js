// kzpolicy guide: small reader helpers (loaded on every page by book/_ext/kzbook.py).
// 1. Every table that is not already in a scroll box gets one (.kz-scroll), so a wide table scrolls
//    inside the content column instead of pushing the page sideways.
// 2. A scroll box that actually scrolls is marked .kz-scrolls and made keyboard-focusable with a label
//    (axe: scrollable-region-focusable).
(function () {
  "use strict";
  const BOXES = ".pst-scrollable-table-container, .kz-table-wrap, .kz-scroll, div.cell_output .output.text_html";
  function wrapTables(root) {
    root.querySelectorAll(".bd-article table").forEach((t) => {
      if (t.parentElement && t.parentElement.closest(BOXES)) return;
      const box = document.createElement("div");
      box.className = "kz-scroll";
      t.parentNode.insertBefore(box, t);
      box.appendChild(t);
    });
  }
  function markScrolling(root) {
    root.querySelectorAll(".bd-article " + BOXES.split(", ").join(", .bd-article ")).forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("kz-scrolls", scrolls);
      if (scrolls) {
        if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) {
          const cap = box.querySelector("caption");
          box.setAttribute("aria-label", cap ? cap.innerText.trim() : "表格（可左右滚动） Table (scrolls sideways)");
        }
      }
    });
  }
  function run() {
    wrapTables(document);
    markScrolling(document);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run); else run();
  let timer = null;
  window.addEventListener("resize", () => { clearTimeout(timer); timer = setTimeout(() => markScrolling(document), 150); });
  // folds that open later may reveal wide tables
  document.addEventListener("toggle", () => markScrolling(document), true);
})();
