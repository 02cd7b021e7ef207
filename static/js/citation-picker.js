// The citation picker of the article editor: search the reference library and insert
// [@key] where the cursor is in the body. The form names the search address in
// data-citation-search; without this script, typing [@key] by hand works the same.
// Keyboard: a combobox (WAI-ARIA pattern) whose list is chosen with the arrow keys,
// Enter inserts, Escape closes; focus then goes back to the body after the marker.
(function () {
  "use strict";
  var form = document.querySelector("form[data-citation-search]");
  var body = form && form.elements.namedItem("body");
  if (!body || body.tagName !== "TEXTAREA") return;

  var searchUrl = form.getAttribute("data-citation-search");
  var picker = document.createElement("div");
  picker.className = "citation-picker";
  picker.innerHTML =
    '<label for="citation-search">Cite a reference</label>' +
    '<span class="helptext" id="citation-search-help">Search the library by author, title, year or key; ' +
    "choose with the arrow keys and Enter: [@key] goes where the cursor was in the body.</span>" +
    '<input type="text" id="citation-search" role="combobox" autocomplete="off" spellcheck="false"' +
    ' aria-autocomplete="list" aria-expanded="false" aria-controls="citation-options"' +
    ' aria-describedby="citation-search-help" maxlength="200">' +
    '<ul id="citation-options" role="listbox" aria-label="Matching references" hidden></ul>' +
    '<p id="citation-status" class="helptext" role="status" aria-live="polite"></p>';
  body.insertAdjacentElement("afterend", picker);

  var input = picker.querySelector("input");
  var list = picker.querySelector("ul");
  var status = picker.querySelector("[role=status]");
  var results = [];
  var active = -1;
  var asked = 0;
  var timer = null;
  // Where the editor last had the cursor in the body; untouched, a citation goes at the end.
  var caretKnown = false;

  ["focus", "click", "keyup", "select"].forEach(function (type) {
    body.addEventListener(type, function () {
      caretKnown = true;
    });
  });

  function say(text) {
    status.textContent = text;
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    var options = list.querySelectorAll("[role=option]");
    if (!options.length) return;
    active = (index + options.length) % options.length;
    Array.prototype.forEach.call(options, function (option, n) {
      option.setAttribute("aria-selected", n === active ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({ block: "nearest" });
  }

  function show(answer, query) {
    results = answer.results;
    list.textContent = "";
    results.forEach(function (reference, n) {
      var option = document.createElement("li");
      option.id = "citation-option-" + n;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      if (reference.retracted) option.setAttribute("aria-disabled", "true");
      var key = document.createElement("span");
      key.className = "citation-key";
      key.textContent = "@" + reference.key;
      option.appendChild(key);
      var who = [reference.authors, reference.year ? "(" + reference.year + ")" : ""].filter(Boolean).join(" ");
      option.appendChild(document.createTextNode(" " + (who ? who + ". " : "") + reference.title));
      if (reference.retracted) {
        var flag = document.createElement("strong");
        flag.className = "retracted";
        flag.textContent = " Retracted";
        option.appendChild(flag);
      }
      option.addEventListener("click", function () {
        choose(n);
      });
      list.appendChild(option);
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", results.length ? "true" : "false");
    if (!results.length) {
      say("No reference in the library matches “" + query + "”.");
    } else {
      say(
        (answer.more ? "More than " + results.length + " references match; the first " + results.length + " are listed, type more to narrow them."
          : results.length === 1 ? "1 reference matches." : results.length + " references match.") +
          " Use the up and down arrows to choose."
      );
    }
  }

  function search() {
    var query = input.value.trim();
    var mine = ++asked;
    if (!query) {
      results = [];
      list.textContent = "";
      close();
      say("");
      return;
    }
    fetch(searchUrl + "?q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!json) throw new Error("Your session may have ended: sign in again in another tab, your text stays here.");
        return response.json().then(function (answer) {
          if (!response.ok) throw new Error(answer.error || "The library could not be searched.");
          return answer;
        });
      })
      .then(function (answer) {
        if (mine === asked) show(answer, query);
      })
      .catch(function (problem) {
        if (mine !== asked) return;
        results = [];
        list.textContent = "";
        close();
        say(problem instanceof TypeError ? "The library could not be searched: is the network down?" : problem.message);
      });
  }

  function insert(marker) {
    var start = caretKnown ? body.selectionStart : body.value.length;
    var end = caretKnown ? body.selectionEnd : body.value.length;
    body.focus();
    body.setSelectionRange(start, end);
    // insertText keeps the browser's undo (Ctrl+Z) working; setRangeText where it is missing.
    var typed = false;
    try {
      typed = document.execCommand("insertText", false, marker);
    } catch (ignored) {
      typed = false;
    }
    if (!typed || body.value.slice(start, start + marker.length) !== marker) {
      body.setRangeText(marker, start, end, "end");
      body.dispatchEvent(new Event("input", { bubbles: true }));
    }
    caretKnown = true;
  }

  function choose(index) {
    var reference = results[index];
    if (!reference) return;
    if (reference.retracted) {
      say("@" + reference.key + " is retracted and cannot be cited. Choose another reference.");
      return;
    }
    var marker = "[@" + reference.key + "]";
    close();
    input.value = "";
    results = [];
    list.textContent = "";
    insert(marker);
    say(marker + " is in the body.");
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });

  input.addEventListener("keydown", function (event) {
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp":
        event.preventDefault();
        if (!results.length) return;
        if (list.hidden) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        highlight(active === -1 && event.key === "ArrowUp" ? -1 : active + (event.key === "ArrowDown" ? 1 : -1));
        break;
      case "Enter":
        // Never send the form from here: Enter in the search field means "insert this one".
        event.preventDefault();
        if (!list.hidden && active >= 0) choose(active);
        else if (results.length === 1) choose(0);
        break;
      case "Escape":
        if (!list.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          results = [];
          say("");
        }
        break;
      default:
        break;
    }
  });

  // A press on the list (its scroll bar too) keeps the focus in the search field.
  list.addEventListener("mousedown", function (event) {
    event.preventDefault();
  });
  input.addEventListener("blur", close);
})();
