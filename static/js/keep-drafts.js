// What an editor types is not lost to a closed tab or a crash.
//
// - A form marked data-warn-unsaved asks before the page is left with changes in it
//   (not when the form itself is sent). data-unsaved="true" says the server already
//   shows text that is not saved (a preview, a refusal).
// - A form marked data-autosave="<key>" also keeps its text in this browser
//   (localStorage) as it is typed, with the version it was opened on (the form's
//   base_version_id). Opened again with such text kept, the page offers to restore or
//   discard it; text kept from another version than the one now open is never put back
//   without the editor choosing so, and the page says which versions they are.
// - A successful save says so with a message marked "draft-saved": the text kept for
//   the form that was sent is then removed.
(function () {
  "use strict";
  var PREFIX = "imprimatur.draft.";
  var SENT = "imprimatur.draft.sent";

  function storage(kind) {
    try {
      var store = window[kind];
      var probe = PREFIX + "probe";
      store.setItem(probe, "1");
      store.removeItem(probe);
      return store;
    } catch (unavailable) {
      return null; // private mode or storage turned off: the page works, without keeping drafts
    }
  }
  var local = storage("localStorage");
  var session = storage("sessionStorage");

  // After a successful save: forget what was kept for the form that was sent.
  if (local && session && document.querySelector(".message.draft-saved")) {
    var sent = session.getItem(SENT);
    if (sent) local.removeItem(sent);
    session.removeItem(SENT);
  }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      if (!field.name || field.disabled || field.name === "csrfmiddlewaretoken") return false;
      if (field.closest && field.closest(".citation-picker")) return false;
      return field.tagName === "TEXTAREA" || field.tagName === "SELECT" ||
        (field.tagName === "INPUT" && ["text", "search", "url", "email", "number", "date"].indexOf(field.type) !== -1);
    });
  }

  function valuesOf(form) {
    var values = {};
    fieldsOf(form).forEach(function (field) {
      values[field.name] = field.value;
    });
    return values;
  }

  function same(a, b) {
    var names = Object.keys(a).concat(Object.keys(b));
    return names.every(function (name) {
      return (a[name] || "") === (b[name] || "");
    });
  }

  function when(moment) {
    var date = new Date(moment);
    return date.toLocaleString(document.documentElement.lang || undefined, { dateStyle: "medium", timeStyle: "short" });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-warn-unsaved], form[data-autosave]"), function (form) {
    var opened = valuesOf(form);
    var unsavedOnArrival = form.getAttribute("data-unsaved") === "true";
    var sending = false;
    var key = form.hasAttribute("data-autosave") ? PREFIX + form.getAttribute("data-autosave") : null;
    var versionField = form.elements.namedItem("base_version_id");
    var version = versionField && versionField.value ? Number(versionField.value) : null;
    var versionNumber = form.getAttribute("data-version-number") || "";
    var paused = false; // while an offer to restore waits for an answer, what it offers is kept as it is
    var timer = null;

    function changed() {
      return unsavedOnArrival || !same(valuesOf(form), opened);
    }

    window.addEventListener("beforeunload", function (event) {
      if (sending || !changed()) return undefined;
      keep();
      event.preventDefault();
      event.returnValue = ""; // browsers show their own wording
      return "";
    });

    form.addEventListener("submit", function () {
      sending = true;
      keep();
      if (key && session) session.setItem(SENT, key);
      // Sent but answered with the same page (a refusal, a preview): leaving it asks again.
      window.addEventListener("pageshow", function () {
        sending = false;
      });
    });

    if (!key || !local) return;

    function keep() {
      if (!key || !local || paused) return;
      var values = valuesOf(form);
      if (!unsavedOnArrival && same(values, opened)) {
        local.removeItem(key);
        return;
      }
      try {
        local.setItem(
          key,
          JSON.stringify({ version: version, versionNumber: versionNumber, savedAt: Date.now(), fields: values })
        );
      } catch (full) {
        // Storage full: the unsaved-change warning still guards the text.
      }
    }

    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(keep, 500);
    });
    form.addEventListener("change", keep);
    window.addEventListener("pagehide", keep);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") keep();
    });

    var kept = null;
    try {
      kept = JSON.parse(local.getItem(key) || "null");
    } catch (damaged) {
      kept = null;
    }
    if (!kept || !kept.fields) return;
    if (same(kept.fields, valuesOf(form))) return; // the form already shows that text
    offer(kept);

    function offer(draft) {
      var stale = draft.version !== version;
      var box = document.createElement("div");
      box.className = "message warning draft-offer";
      box.setAttribute("role", stale ? "alert" : "status");
      box.setAttribute("data-testid", "draft-offer");
      var lead = document.createElement("p");
      lead.textContent = "You have unsaved text from " + when(draft.savedAt) + " in this browser: restore it into the form, or discard it.";
      box.appendChild(lead);
      if (stale) {
        var warn = document.createElement("p");
        var was = draft.versionNumber ? "version " + draft.versionNumber : "an earlier version";
        var now = versionNumber ? "version " + versionNumber : "a newer version";
        var strong = document.createElement("strong");
        strong.textContent = "It was written on " + was + ", and this form is now open on " + now;
        warn.appendChild(strong);
        warn.appendChild(document.createTextNode(
          " (saved since, by someone else or in another tab). Restoring replaces the newer text in the form with yours:" +
          " read both before you save."
        ));
        box.appendChild(warn);
        var look = document.createElement("details");
        var summary = document.createElement("summary");
        summary.textContent = "Show the unsaved text";
        look.appendChild(summary);
        Object.keys(draft.fields).forEach(function (name) {
          var field = form.elements.namedItem(name);
          if (!field || (field.value || "") === (draft.fields[name] || "")) return;
          var label = form.querySelector('label[for="' + field.id + '"]');
          var heading = document.createElement("p");
          heading.textContent = (label ? label.textContent.replace(/:$/, "") : name) + ":";
          var text = document.createElement("pre");
          text.className = "draft-text";
          text.tabIndex = 0; // a long text scrolls: the keyboard must reach it
          text.textContent = draft.fields[name];
          look.appendChild(heading);
          look.appendChild(text);
        });
        box.appendChild(look);
      }
      var buttons = document.createElement("p");
      buttons.className = "actions";
      var restore = document.createElement("button");
      restore.type = "button";
      restore.textContent = stale ? "Restore my text over version " + (versionNumber || "now open") : "Restore";
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "secondary";
      discard.textContent = "Discard it";
      buttons.appendChild(restore);
      buttons.appendChild(discard);
      box.appendChild(buttons);
      form.parentNode.insertBefore(box, form);
      paused = true;

      function settle(text, focusOn) {
        paused = false;
        box.className = "message";
        box.setAttribute("role", "status");
        box.textContent = text;
        if (focusOn) focusOn.focus();
      }

      restore.addEventListener("click", function () {
        fieldsOf(form).forEach(function (field) {
          if (Object.prototype.hasOwnProperty.call(draft.fields, field.name)) field.value = draft.fields[field.name];
        });
        settle(
          "Your unsaved text is back in the form. It is saved as a version only when you press “Save version”.",
          form.elements.namedItem("body") || fieldsOf(form)[0]
        );
        keep();
      });
      discard.addEventListener("click", function () {
        local.removeItem(key);
        settle("The unsaved text was discarded.", fieldsOf(form)[0]);
      });
    }
  });
})();
