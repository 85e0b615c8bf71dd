/* Runs before first paint: marks that scripts work and applies the saved colour theme. */
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  try {
    var theme = localStorage.getItem("g24-theme");
    if (theme === "light" || theme === "dark") root.setAttribute("data-theme", theme);
  } catch (e) { /* storage may be blocked; the system theme applies */ }
})();
