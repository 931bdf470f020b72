/* Draws the community choropleth from the JSON spec on the page (no inline scripts: CSP).
   The table beside the map holds the same figures, so the page works without this script. */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("community-map-spec");
    var target = document.getElementById("community-map");
    if (!source || !target || typeof window.vegaEmbed !== "function") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    if (!spec) {
      return;
    }
    window
      .vegaEmbed(target, spec, {
        actions: false,
        // Evaluate Vega expressions with the bundled interpreter: the CSP allows no eval.
        ast: true,
        defaultStyle: false,
        renderer: "svg",
        tooltip: { disableDefaultStyle: true, theme: "light" }
      })
      .then(function () {
        target.setAttribute("data-drawn", "true");
      })
      .catch(function (error) {
        target.removeAttribute("aria-hidden");
        target.textContent = "The map could not be drawn (" + error.message + "). The table lists the same figures.";
      });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
