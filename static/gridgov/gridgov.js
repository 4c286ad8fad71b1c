// Small behaviours shared by every page. No inline scripts anywhere, so a strict
// Content Security Policy can forbid them.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("[data-autosubmit]")) {
    el.form.submit();
  }
});
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) {
    event.detail.headers["X-CSRFToken"] = token.value;
  }
});

// The main menu is a <details> so that it folds on a phone without any script. On a
// wide screen it is opened, and its summary hidden by CSS, so the links are always there.
(function () {
  var menu = document.querySelector("details.menu");
  if (!menu || !window.matchMedia) {
    return;
  }
  var wide = window.matchMedia("(min-width: 900px)");
  function sync() {
    menu.open = wide.matches;
  }
  sync();
  wide.addEventListener("change", sync);
})();
