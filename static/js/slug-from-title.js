// The new-article form: while the title is typed, the address (slug) field follows it,
// until someone edits the address by hand (clearing it hands it back to the title).
// Without this script a blank address is made from the title when the article is saved;
// both follow the same rule as articles.forms.suggested_slug (Django's slugify).
(function () {
  "use strict";
  var title = document.getElementById("id_title");
  var slug = document.getElementById("id_slug");
  if (!title || !slug) {
    return;
  }
  function suggested(text) {
    return text
      .normalize("NFKD")
      .replace(/[^\x00-\x7f]/g, "")
      .toLowerCase()
      .replace(/[^\w\s-]/g, "")
      .replace(/[-\s]+/g, "-")
      .replace(/^[-_]+|[-_]+$/g, "")
      .slice(0, 200)
      .replace(/[-_]+$/, "");
  }
  var typedByHand = slug.value !== "" && slug.value !== suggested(title.value);
  title.addEventListener("input", function () {
    if (!typedByHand) {
      slug.value = suggested(title.value);
    }
  });
  slug.addEventListener("input", function () {
    typedByHand = slug.value !== "";
  });
})();
