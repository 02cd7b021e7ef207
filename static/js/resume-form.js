// Puts back what was typed in a form that was refused because the session had ended
// (accounts/sessions.py): the fields come from the server, once, on the form's own page.
(function () {
  var source = document.getElementById("resumed-form");
  if (!source) return;
  var stash = JSON.parse(source.textContent);
  var forms = Array.prototype.filter.call(document.forms, function (form) {
    return new URL(form.action, document.baseURI).pathname === stash.action;
  });
  forms.slice(0, 1).forEach(function (form) {
    Object.keys(stash.fields).forEach(function (name) {
      var values = stash.fields[name];
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name !== name || field.type === "password" || field.type === "file") return;
        if (field.type === "checkbox" || field.type === "radio") {
          field.checked = values.indexOf(field.value) !== -1;
        } else if (field.tagName === "SELECT") {
          Array.prototype.forEach.call(field.options, function (option) {
            option.selected = values.indexOf(option.value) !== -1;
          });
        } else {
          field.value = values[0];
        }
      });
    });
    var note = document.createElement("p");
    note.className = "message warning";
    note.setAttribute("role", "status");
    note.textContent = "What you typed before your session ended is back in this form: check it and send it again.";
    form.parentNode.insertBefore(note, form);
  });
})();
