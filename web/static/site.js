// Enhancement only: on a narrow screen, the facet panel folds behind a button. Without
// JavaScript every facet stays visible and the form works the same.
(function () {
  "use strict";
  var aside = document.querySelector(".facets");
  var body = document.getElementById("facettes");
  if (!aside || !body || !window.matchMedia) { return; }
  var narrow = window.matchMedia("(max-width: 48rem)");
  var button = document.createElement("button");
  button.type = "button";
  button.className = "secondary facets-toggle";
  button.setAttribute("aria-controls", "facettes");
  function render(open) {
    aside.classList.toggle("facets-collapsed", !open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? "Masquer les filtres" : "Afficher les filtres";
  }
  button.addEventListener("click", function () {
    render(aside.classList.contains("facets-collapsed"));
  });
  function setup() {
    if (narrow.matches) {
      if (!button.parentNode) { body.parentNode.insertBefore(button, body); }
      render(false);
    } else {
      if (button.parentNode) { button.parentNode.removeChild(button); }
      aside.classList.remove("facets-collapsed");
    }
  }
  setup();
  if (narrow.addEventListener) { narrow.addEventListener("change", setup); }
})();
