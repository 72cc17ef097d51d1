// The deck page's slides, one at a time and large: click a picture (or Enter on it), step with
// ← and →, Esc or Close to go back. The slide's lint problems are shown beside it.
// A <dialog> opened modal: focus goes into it, the page behind is inert, and focus returns to
// the picture it was opened from. No dependencies.
(function () {
  "use strict";
  var thumbs = document.getElementById("thumbs");
  var dialog = document.getElementById("slide-viewer");
  if (!thumbs || !dialog || typeof dialog.showModal !== "function") { return; }
  var picture = document.getElementById("slide-viewer-picture");
  var count = document.getElementById("slide-viewer-count");
  var list = document.getElementById("slide-viewer-problems");
  var clean = document.getElementById("slide-viewer-clean");
  var problemsData = document.getElementById("slide-problems");
  var problems = [];
  try { problems = JSON.parse(problemsData ? problemsData.textContent : "[]"); } catch (e) { problems = []; }
  if (!Array.isArray(problems)) { problems = []; }
  var current = 0;
  var opener = null;

  var links = function () { return Array.prototype.slice.call(thumbs.querySelectorAll("a.slide-link")); };

  var severityWord = function (severity) {
    return severity === "error" ? dialog.dataset.error
      : severity === "warning" ? dialog.dataset.warning : severity;
  };

  var showProblems = function (number) {
    list.textContent = "";
    var mine = problems.filter(function (issue) { return Number(issue.slide) === number; });
    mine.forEach(function (issue) {
      var item = document.createElement("li");
      item.className = "problem problem-" + issue.severity;
      var word = document.createElement("strong");
      word.textContent = severityWord(issue.severity);
      var rule = document.createElement("code");
      rule.textContent = issue.rule;
      item.appendChild(word);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(rule);
      item.appendChild(document.createElement("br"));
      item.appendChild(document.createTextNode(issue.message));
      list.appendChild(item);
    });
    list.hidden = !mine.length;
    clean.hidden = mine.length > 0;
  };

  var show = function (index) {
    var all = links();
    if (!all.length) { return; }
    current = (index + all.length) % all.length;  // → on the last slide goes to the first
    var link = all[current];
    var small = link.querySelector("img");
    picture.src = link.href;
    picture.alt = small ? small.alt : "";
    count.textContent = dialog.dataset.count
      .replace("{number}", current + 1).replace("{total}", all.length);
    showProblems(current + 1);
  };

  var open = function (link) {
    opener = link;
    show(links().indexOf(link));
    if (!dialog.open) { dialog.showModal(); }
    dialog.querySelector("[data-step='1']").focus();
  };

  thumbs.addEventListener("click", function (event) {
    var link = event.target.closest("a.slide-link");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button) { return; }
    event.preventDefault();  // without this script the link opens the picture itself
    open(link);
  });

  dialog.addEventListener("click", function (event) {
    var step = event.target.closest("[data-step]");
    if (step) { show(current + Number(step.dataset.step)); return; }
    if (event.target.closest("[data-close]") || event.target === dialog) { dialog.close(); }
  });

  dialog.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight") { event.preventDefault(); show(current + 1); }
    if (event.key === "ArrowLeft") { event.preventDefault(); show(current - 1); }
  });  // Esc closes a modal dialog by itself

  dialog.addEventListener("close", function () {
    var back = links()[current] || opener;  // the slide last shown, so the page follows along
    picture.removeAttribute("src");
    if (back) { back.focus(); }
  });

  // the deck page's poll (app.js) brings the problems the rendered pictures' lint adds
  document.addEventListener("deck:followed", function (event) {
    if (event.detail && Array.isArray(event.detail.issues)) {
      problems = event.detail.issues;
      if (dialog.open) { showProblems(current + 1); }
    }
  });
})();
