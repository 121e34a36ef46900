/* Material's partials/javascripts/content.html as a file (no inline script under CSP):
   open the content tab a URL fragment points at. */
(function () {
  var target = document.getElementById(location.hash.slice(1));
  if (target && target.name) target.checked = target.name.startsWith("__tabbed_");
})();
