// A <select data-autosubmit> sends its form as soon as a value is chosen (no inline handler:
// the Content-Security-Policy allows scripts from the portal's own files only).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit();
  }
});
