// Registration of a draft: warn, before saving, when it arrived with less notice than the rule.
// The days are dd/mm/yyyy text inputs, read by app/static/datepicker.js's parser (loaded after
// this script: hence the wait for DOMContentLoaded).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var hint = document.getElementById("notice-hint");
    var parse = window.giamsatDatepicker && window.giamsatDatepicker.parse;
    if (!hint || !parse) { return; }
    var received = document.getElementById("received_on");
    var submission = document.getElementById("submission_on");
    var required = parseInt(hint.dataset.requiredDays, 10);
    function update() {
      var from = parse(received.value), to = parse(submission.value);
      var days = Math.round((to - from) / 86400000);
      var short = !isNaN(days) && days >= 0 && days < required;
      hint.hidden = !short;
      if (short) { hint.querySelector("[data-days]").textContent = String(days); }
    }
    received.addEventListener("change", update);
    submission.addEventListener("change", update);
    received.addEventListener("input", update);
    submission.addEventListener("input", update);
    update();
  });
})();
