// Design page and library cards: pictures rendered after upload appear without a reload.
// Polls the design's pictures.json every 2 s while something is pending, for 5 minutes at most.
(function () {
  "use strict";
  var INTERVAL = 2000, TRIES = 150;

  function follow(url, done) {
    var tries = 0;
    var poll = function () {
      fetch(url, {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          tries += 1;
          if (data && done(data)) { return; }
          if (tries < TRIES) { setTimeout(poll, INTERVAL); }
        })
        .catch(function () { tries += 1; if (tries < TRIES) { setTimeout(poll, INTERVAL); } });
    };
    setTimeout(poll, INTERVAL);
  }

  function picture(src, alt) {
    var img = document.createElement("img");
    img.src = src;
    img.alt = alt || "";
    return img;
  }

  function remove(id) {
    var node = document.getElementById(id);
    if (node) { node.remove(); }
  }

  // -- design page ------------------------------------------------------------------------
  var page = document.getElementById("design-pictures");
  if (page && (page.dataset.slidesPending || page.dataset.layoutsPending)) {
    follow(page.dataset.poll, function (data) {
      var slides = document.getElementById("slide-pictures");
      if (slides && data.slides.length && !slides.children.length) {
        data.slides.forEach(function (src, i) { slides.appendChild(picture(src, "#" + (i + 1))); });
        remove("slides-pending");
      }
      if (data.layouts_status !== "pending") {
        document.querySelectorAll("figure[data-layout-name]").forEach(function (figure) {
          var src = data.layouts[figure.dataset.layoutName];
          var placeholder = figure.querySelector(".picture-placeholder");
          if (src && placeholder) {
            placeholder.replaceWith(picture(src, figure.dataset.layoutName));
          } else if (placeholder) {
            placeholder.textContent = page.dataset.noPicture || "";
          }
        });
        remove("layouts-pending");
      }
      return data.layouts_status !== "pending" && !data.slides_pending;
    });
  }

  // -- library cards: a placeholder until the first slide's picture exists ------------------
  document.querySelectorAll(".asset .picture-placeholder[data-poll]").forEach(function (card) {
    follow(card.dataset.poll, function (data) {
      if (data.cover) {
        card.replaceWith(picture(data.cover, ""));
        return true;
      }
      return !data.slides_pending && data.layouts_status !== "pending";
    });
  });
})();
