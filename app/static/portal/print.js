// The receipt page's "Print" button (no inline scripts: the portal's CSP is script-src 'self').
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
