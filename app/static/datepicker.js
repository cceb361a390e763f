/* The calendar of every day input (input[data-datepicker], app.core.forms.DayField): flatpickr,
 * served from its pip package (app/core/assets.py), set to dd/mm/yyyy, weeks from Monday, and
 * the page's language (<html lang="vi"> or "en") whatever the browser's.
 *
 * The input stays a text input people type into: the calendar only helps. A click on the input
 * opens it, typing closes it (it would hide the fields below), Escape closes it, Arrow Down
 * opens it and moves into it (arrows, Enter to choose, Escape back to the input), and Tab
 * leaves it for the next field; tabbing through a form opens nothing. What is typed and cannot
 * be read (31/02/2026) is left as it is for the server to answer with its message, never
 * erased or moved to another day; Enter submits the form as in any text input. */
(function () {
  "use strict";
  if (typeof window.flatpickr !== "function") return;

  var LABELS = {
    vi: {
      weekdays: {
        shorthand: ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
        longhand: ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"]
      },
      months: {
        shorthand: ["Th1", "Th2", "Th3", "Th4", "Th5", "Th6", "Th7", "Th8", "Th9", "Th10",
                    "Th11", "Th12"],
        longhand: ["Tháng 1", "Tháng 2", "Tháng 3", "Tháng 4", "Tháng 5", "Tháng 6", "Tháng 7",
                   "Tháng 8", "Tháng 9", "Tháng 10", "Tháng 11", "Tháng 12"]
      },
      firstDayOfWeek: 1,
      rangeSeparator: " đến ",
      weekAbbreviation: "Tuần",
      scrollTitle: "Cuộn để thay đổi",
      toggleTitle: "Bấm để chuyển",
      yearAriaLabel: "Năm",
      monthAriaLabel: "Tháng",
      time_24hr: true
    },
    en: {
      weekdays: {
        shorthand: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
        longhand: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                   "Saturday"]
      },
      months: {
        shorthand: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec"],
        longhand: ["January", "February", "March", "April", "May", "June", "July", "August",
                   "September", "October", "November", "December"]
      },
      firstDayOfWeek: 1,
      time_24hr: true
    }
  };

  /* What app.core.dates.parse_day reads: d/m/yyyy with "/", "." or "-", ddmmyyyy, ISO
   * yyyy-mm-dd. Undefined for anything else, and for an impossible day (no rolling over). */
  var TYPED = [
    [/^(\d{1,2})([\/.\-])(\d{1,2})\2(\d{4})$/, 1, 3, 4],
    [/^(\d{2})(\d{2})(\d{4})$/, 1, 2, 3],
    [/^(\d{4})-(\d{2})-(\d{2})$/, 3, 2, 1]
  ];

  function parseDay(text) {
    text = String(text == null ? "" : text).trim();
    for (var i = 0; i < TYPED.length; i++) {
      var m = TYPED[i][0].exec(text);
      if (!m) continue;
      var d = +m[TYPED[i][1]], mo = +m[TYPED[i][2]], y = +m[TYPED[i][3]];
      var day = new Date(y, mo - 1, d);
      day.setFullYear(y);  // years below 100 are not 19xx
      if (day.getFullYear() === y && day.getMonth() === mo - 1 && day.getDate() === d) {
        return day;
      }
      return undefined;
    }
    return undefined;
  }

  function language() {
    var lang = (document.documentElement.lang || "vi").toLowerCase().split(/[-_]/)[0];
    return LABELS[lang] ? lang : "vi";
  }

  function focusable(element) {
    return !element.disabled && element.tabIndex >= 0 && element.type !== "hidden" &&
      element.getClientRects().length > 0;
  }

  /* The element a Tab from `input` would reach, leaving out the calendar (at the body's end). */
  function nextAfter(input, calendar) {
    var all = Array.prototype.filter.call(
      document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]"),
      function (el) { return el === input || (!calendar.contains(el) && focusable(el)); });
    var i = all.indexOf(input);
    return all[i + 1] || null;
  }

  function dayToFocus(fp) {
    var days = fp.daysContainer;
    return fp.selectedDateElem || fp.todayDateElem ||
      (days && days.querySelector(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)"));
  }

  function attach(input) {
    var fp;

    function openCalendar() {
      var typed = parseDay(input.value);  // what was typed since, shown as chosen
      if (typed) fp.setDate(typed, false);
      if (!fp.isOpen) fp.open();
    }

    // Before flatpickr's own handler (listeners run in the order they were added).
    input.addEventListener("keydown", function (event) {
      if (!fp) return;
      if (event.key === "Enter") {
        // flatpickr would blur the input and swallow the Enter: submit as a text input does.
        fp.close();
        event.stopImmediatePropagation();
      } else if ((event.key === "Escape" || event.key === "Esc") && fp.isOpen) {
        event.preventDefault();
        event.stopImmediatePropagation();
        fp.close();
      } else if (event.key === "ArrowDown" || event.key === "Down") {
        openCalendar();
        var day = dayToFocus(fp);
        if (day) {
          event.preventDefault();
          day.focus();
        }
      }
    });

    input.addEventListener("click", function () {
      if (fp && !fp.isOpen) openCalendar();
    });
    input.addEventListener("input", function (event) {
      if (fp && fp.isOpen && event.isTrusted) fp.close();  // not the input flatpickr sends
    });

    fp = window.flatpickr(input, {
      dateFormat: "d/m/Y",
      ariaDateFormat: "l, d/m/Y",
      allowInput: true,
      clickOpens: false,  // flatpickr would open on focus too: the listeners above open it
      disableMobile: true,  // a phone's own picker would be type="date", in its language's order
      locale: LABELS[language()],
      parseDate: function (text) { return parseDay(text); }
    });
    if (!fp || !fp.calendarContainer) return;

    // Text that names no day stays as typed: flatpickr would empty the input on leaving it.
    var setDate = fp.setDate;
    fp.setDate = function (value, triggerChange, format) {
      if (typeof value === "string" && value.trim() !== "" && !parseDay(value)) return;
      return setDate.call(fp, value, triggerChange, format);
    };

    // Tab out of the calendar goes on to the field after the input; Shift+Tab back to it.
    fp.calendarContainer.addEventListener("keydown", function (event) {
      if (event.key !== "Tab") return;
      event.preventDefault();
      event.stopPropagation();
      var target = event.shiftKey ? input : nextAfter(input, fp.calendarContainer);
      fp.close();
      if (target) target.focus();
    }, true);
  }

  function attachAll(root) {
    Array.prototype.forEach.call(
      (root || document).querySelectorAll("input[data-datepicker]"),
      function (input) { if (!input._flatpickr) attach(input); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { attachAll(); });
  } else {
    attachAll();
  }
  // attach: for inputs a page adds later (a new row of a list); parse: a page's own script
  // reading a day input (a Date at local midnight, or undefined) the way the server does.
  window.giamsatDatepicker = {attach: attachAll, parse: parseDay};
})();
