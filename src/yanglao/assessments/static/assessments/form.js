/* The assessment form on a tablet: running scores, 其他 detail fields, exclusive choices, quick
 * diagnosis codes and a check of the required fields before signing. The scores are computed on
 * the server by the same code that signs (POST the form to data-score-url): no copy of the level
 * table lives here. Nothing here is needed to fill in, save or sign: the server checks everything. */
(function () {
  "use strict";
  var form = document.getElementById("assessment-form");
  if (!form) { return; }
  var scoreUrl = form.dataset.scoreUrl;
  var timer = null;
  var sequence = 0;

  function out(name) { return document.querySelectorAll('[data-out="' + name + '"]'); }
  function setAll(name, html) { out(name).forEach(function (el) { el.innerHTML = html; }); }
  function esc(text) {
    return String(text).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; });
  }

  function show(data) {
    data.indicators.forEach(function (ind) {
      setAll(ind.code, ind.score + "<small>/" + ind.max + "</small>");
    });
    setAll("answered", String(data.answered));
    setAll("total", data.total + "<small>/" + data.total_max + "</small>");
    setAll("level", data.complete ? esc(data.initial_level_name) + " → " + esc(data.final_level_name) : "待评完");
    setAll("grounds", data.grounds.map(esc).join("；"));
    setAll("diagnoses", data.diagnoses.map(function (d) {
      return "<li" + (d.ground ? ' class="ground"' : "") + ">" + esc(d.code) + " " + esc(d.name) +
        (d.ground ? "（等级变更依据2）" : "") + "</li>";
    }).join("") + data.problems.filter(function (p) { return p.indexOf("“") >= 0; }).map(function (p) {
      return '<li class="err">' + esc(p) + "</li>";
    }).join(""));
    setAll("status", "");
    form.dispatchEvent(new CustomEvent("scored", {detail: data}));
  }

  function send() {
    var mine = ++sequence;
    fetch(scoreUrl, {method: "POST", body: new FormData(form), credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) { if (mine === sequence) { show(data); } })
      .catch(function () { setAll("status", "暂时无法计算得分，保存或签署时由服务器计算"); });
  }

  function update() {
    window.clearTimeout(timer);
    timer = window.setTimeout(send, 120);
  }

  function markItem(input) {
    var box = input.closest(".q");
    if (box) { box.classList.remove("missing"); }
  }

  function syncDetails(input) {
    var box = input.closest(".q");
    if (!box) { return; }
    box.querySelectorAll("input[data-detail]").forEach(function (choice) {
      var detail = box.querySelector('input.detail[name="' + choice.dataset.detail + '"]');
      if (detail) { detail.hidden = !choice.checked; }
    });
  }

  function exclusive(input) {
    if (input.type !== "checkbox" || !input.checked) { return; }
    var group = form.querySelectorAll('input[type=checkbox][name="' + input.name + '"]');
    group.forEach(function (other) {
      if (other === input) { return; }
      if (input.dataset.exclusive || other.dataset.exclusive) { other.checked = false; }
    });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches("input[type=checkbox]")) { exclusive(input); }
    if (input.matches("input[type=radio], input[type=checkbox]")) { syncDetails(input); markItem(input); }
    update();
  });
  form.addEventListener("input", function (event) {
    if (event.target.name === "diagnoses") { update(); }
    markItem(event.target);
  });

  document.querySelectorAll("button[data-icd]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = form.querySelector('input[name="diagnoses"]');
      var codes = field.value.split(/[\s,，、;；]+/).filter(Boolean);
      if (codes.indexOf(button.dataset.icd) < 0) { codes.push(button.dataset.icd); }
      field.value = codes.join(" ");
      update();
    });
  });

  /* Before signing: the required fields still empty, listed and marked (the server checks again). */
  function filled(box) {
    var choices = box.querySelectorAll("input[type=radio], input[type=checkbox]");
    if (choices.length) {
      return Array.prototype.some.call(choices, function (input) { return input.checked; });
    }
    var texts = box.querySelectorAll("input[type=text]:not(.detail), input[type=date], input[type=tel], select");
    return Array.prototype.some.call(texts, function (input) { return input.value.trim() !== ""; });
  }

  function missing() {
    var found = [];
    form.querySelectorAll('[data-required="1"]').forEach(function (box) {
      var ok = filled(box);
      box.classList.toggle("missing", !ok);
      if (!ok) { found.push(box); }
    });
    return found;
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (!submitter || submitter.value !== "sign") { return; }
    var boxes = missing();
    var panel = document.getElementById("client-errors");
    if (!boxes.length) { panel.hidden = true; return; }
    event.preventDefault();
    panel.querySelector("h2").textContent = "尚不能签署：还有 " + boxes.length + " 项未填写";
    panel.querySelector("ul").innerHTML = boxes.map(function (box) {
      return '<li><a href="#' + box.id + '">' + esc(box.dataset.label || box.id) + "：必填</a></li>";
    }).join("");
    panel.hidden = false;
    panel.scrollIntoView({block: "start"});
  });

  form.querySelectorAll("input[type=radio]:checked, input[type=checkbox]:checked").forEach(syncDetails);
  update();
}());
