/* Irreversible steps ask first: a form, or a submit button, carrying data-confirm="<question>"
   is sent only once the user confirms the question (window.confirm: the browser's own dialog,
   keyboard-accessible). A button that posts elsewhere (formaction) inside such a form asks
   only with a data-confirm of its own. Loaded on every page (templates/_assets_body.html);
   no inline script (CSP script-src 'self'). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var button = event.submitter || null;
    var question = button && button.getAttribute("data-confirm");
    if (!question && !(button && button.hasAttribute("formaction"))) {
      question = form.getAttribute("data-confirm");
    }
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
