// A table or chart that is wider than the screen scrolls inside its own box (static/css/site.css).
// Keyboard users must reach such a box to scroll it (WCAG 2.1.1), so a box that scrolls gets
// tabindex="0" and a name from its caption or the heading before it; one that fits loses it again.
(() => {
  const SELECTOR = "main table, main .table-scroll, main .table-container, main .chart-box";

  function nameOf(box) {
    const caption = box.querySelector("caption, figcaption");
    if (caption) return caption.textContent.trim();
    let node = box.previousElementSibling;
    while (node && !/^H[1-6]$/.test(node.tagName)) node = node.previousElementSibling;
    return node ? node.textContent.trim() : "";
  }

  function update() {
    for (const box of document.querySelectorAll(SELECTOR)) {
      const scrolls = box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible";
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollBox = "";
        const name = nameOf(box);
        if (name && !box.hasAttribute("aria-label")) box.setAttribute("aria-label", name);
      } else if (!scrolls && box.dataset.scrollBox !== undefined) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollBox;
      }
    }
  }

  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("resize", update);
})();
