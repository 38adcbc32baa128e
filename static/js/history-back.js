// <a href="..." data-history-back> goes back one page when there is one to go back to, else follows
// its href (no javascript: URL: the Content-Security-Policy allows scripts from the portal's files only).
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-history-back]") : null;
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
