// bcgslides pages: live outline check, progress polling, storyline editing. No dependencies.
(function () {
  "use strict";
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // -- outline editor: problems by line before submitting --------------------------------
  // The server reads and fits the text in the chosen design, as the submit does, and says
  // the result in the page's language; the page's own words come from data- attributes.
  var form = document.getElementById("outline-form");
  if (form) {
    var status = document.getElementById("outline-status");
    var source = form.querySelector("textarea[name=source]");
    var format = form.querySelector("select[name=source_format]");
    var timer = null;
    var chosenDesign = function () {
      var radio = form.querySelector("input[name=asset]:checked");
      return radio && radio.value ? parseInt(radio.value, 10) : null;
    };
    var showProblems = function (problems) {
      var list = document.createElement("ul");
      problems.forEach(function (p) {
        var item = document.createElement("li");
        item.textContent = (p.place ? p.place + ": " : "") + p.message;
        list.appendChild(item);
      });
      status.appendChild(list);
    };
    var check = function () {
      var body = {source: source.value, format: format ? format.value : "markdown"};
      var asset = chosenDesign();
      if (asset) { body.asset = asset; }
      status.textContent = status.dataset.checking || "";
      fetch(form.dataset.validateUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
        body: JSON.stringify(body)
      }).then(function (r) { return r.json(); }).then(function (data) {
        var stale = document.getElementById("outline-errors");
        if (stale) { stale.remove(); }  // the submit's answer, replaced by this check's
        status.textContent = "";
        var refused = !data.ok;
        status.classList.toggle("bad", refused);
        if (data.ok) {
          status.textContent = data.message || status.dataset.ok || "✓";
        } else if (data.problems && data.problems.length) {
          showProblems(data.problems);
        } else {  // a problem document (RFC 9457) or a refusal without places
          showProblems([{place: "", message: data.error || data.detail || status.dataset.failed}]);
        }
      }).catch(function () {
        status.classList.remove("bad");
        status.textContent = status.dataset.failed || "";
      });
    };
    var schedule = function () { clearTimeout(timer); timer = setTimeout(check, 500); };
    source.addEventListener("input", schedule);
    if (format) { format.addEventListener("change", schedule); }
    Array.prototype.forEach.call(form.querySelectorAll("input[name=asset]"), function (radio) {
      radio.addEventListener("change", schedule);
    });
    // after a refused submit its problems are on the page already: not shown twice
    if (source.value.trim() && !document.getElementById("outline-errors")) { schedule(); }
  }

  // -- deck detail: follow the deck until it is finished and its pictures and PDF exist ----
  // The page's new content without a reload: the same URL fetched, its <main> swapped in,
  // and the page's scripts run again on it (they start from what the content says).
  var renewPage = function () {
    fetch(window.location.href, {credentials: "same-origin"})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var main = document.querySelector("main");
        var next = fresh.querySelector("main");
        if (!main || !next) { throw new Error("no main"); }
        main.replaceWith(document.adoptNode(next));
        document.title = fresh.title;
        var scripts = document.querySelectorAll("main script[src], body > script[src]");
        Array.prototype.forEach.call(scripts, function (old) {
          var again = document.createElement("script");
          again.src = old.src;
          old.replaceWith(again);
        });
      })
      .catch(function () { window.location.reload(); });
  };
  var box = document.getElementById("deck-status");
  var following = box && (box.dataset.status === "queued" || box.dataset.status === "running");
  var picturesPending = box && box.dataset.picturesPending === "1";
  if (following || picturesPending) {
    var waited = 0;
    var firstProblems = null;
    var showPictures = function (data) {
      var thumbs = document.getElementById("thumbs");
      var pending = document.getElementById("previews-pending");
      var pdf = document.getElementById("pdf-link");
      if (thumbs && !thumbs.children.length) {
        data.pictures.forEach(function (url, index) {
          var link = document.createElement("a");  // opened large by lightbox.js
          link.className = "slide-link"; link.href = url;
          var img = document.createElement("img");
          img.src = url;
          img.alt = thumbs.dataset.slideWord + " " + (index + 1);
          link.appendChild(img);
          thumbs.appendChild(link);
        });
        thumbs.hidden = false;
      }
      if (pending) { pending.remove(); }
      if (pdf && data.pdf_url) { pdf.href = data.pdf_url; pdf.hidden = false; }
      document.dispatchEvent(new CustomEvent("deck:followed", {detail: data}));
    };
    var poll = function () {
      fetch(box.dataset.statusUrl, {credentials: "same-origin"})
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          var bar = document.getElementById("progress");
          var label = document.getElementById("progress-label");
          var stage = document.getElementById("stage-label");
          var badge = document.getElementById("status-label");
          if (data.status !== box.dataset.status && data.status !== "running") {
            renewPage();  // finished, failed or ready for review: the page's new content
            return;
          }
          if (bar) { bar.value = data.progress; }
          if (label) { label.textContent = data.progress + "%"; }
          if (stage) { stage.textContent = data.stage_label; }
          if (badge) {  // the badge always says the status the stage belongs to
            badge.textContent = data.status_label;
            badge.className = "status status-" + data.status +
              (data.problems ? " status-problems" : "");
          }
          box.dataset.status = data.status;
          if (firstProblems === null) { firstProblems = data.problems; }
          if (data.status === "done" && data.pictures.length) {
            showPictures(data);
            if (data.pictures_checked && data.problems !== firstProblems) {
              renewPage();  // the pictures' lint found more: show its list
            } else if (!data.pictures_checked && waited < 120) {
              waited += 1; setTimeout(poll, 1000);
            }
            return;
          }
          if (data.status === "done" && !data.pictures_pending) { return; }
          waited += 1;
          if (picturesPending && waited > 600) {  // five minutes: say so instead of waiting on
            var late = document.getElementById("previews-pending");
            if (late) { late.textContent = late.dataset.late; }
            return;
          }
          setTimeout(poll, following ? 1000 : 500);
        }).catch(function () { setTimeout(poll, 3000); });
    };
    setTimeout(poll, picturesPending ? 300 : 700);
  }

  // -- storyline review: edit titles and kinds, remove or move slides --------------------
  var editor = document.getElementById("storyline-editor");
  if (editor && editor.dataset.storyline) {
    var storyline = JSON.parse(editor.dataset.storyline);
    var input = document.getElementById("storyline-input");
    // [code, label in the page's language], from the page (generator/web/slide_kinds.py)
    var kinds = JSON.parse(document.getElementById("slide-kinds").textContent);
    var slides = storyline.slides || [];
    var sync = function () { input.value = JSON.stringify(storyline); };
    var draw = function () {
      editor.innerHTML = "";
      slides.forEach(function (slide, index) {
        var row = document.createElement("div");
        row.className = "storyline-row";
        var number = document.createElement("span");
        number.textContent = index + 1;
        var select = document.createElement("select");
        kinds.forEach(function (pair) {
          var option = document.createElement("option");
          option.value = pair[0]; option.textContent = pair[1]; option.selected = pair[0] === slide.kind;
          select.appendChild(option);
        });
        select.addEventListener("change", function () { slide.kind = select.value; sync(); });
        var title = document.createElement("input");
        title.type = "text"; title.value = slide.title || "";
        title.addEventListener("input", function () { slide.title = title.value; sync(); });
        var tools = document.createElement("span");
        [["↑", -1], ["↓", 1]].forEach(function (pair) {
          var b = document.createElement("button");
          b.type = "button"; b.textContent = pair[0];
          b.addEventListener("click", function () {
            var j = index + pair[1];
            if (j < 0 || j >= slides.length) { return; }
            slides.splice(j, 0, slides.splice(index, 1)[0]); sync(); draw();
          });
          tools.appendChild(b);
        });
        var remove = document.createElement("button");
        remove.type = "button"; remove.textContent = "×";
        remove.addEventListener("click", function () { slides.splice(index, 1); sync(); draw(); });
        tools.appendChild(remove);
        [number, select, title, tools].forEach(function (el) { row.appendChild(el); });
        editor.appendChild(row);
      });
    };
    draw();
    sync();
  }
})();
