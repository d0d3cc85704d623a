// Upload a department file, then poll the import's progress and show the outcome and its errors.
(function () {
  var form = document.getElementById("upload");
  if (!form) { return; }
  var box = document.getElementById("progress");
  var bar = document.getElementById("bar");
  var text = document.getElementById("progress-text");
  var outcome = document.getElementById("outcome");

  // Messages and errors quote the file (names, cells): always set as text, never as markup.
  function element(tag, content, className) {
    var node = document.createElement(tag);
    if (content !== undefined && content !== null) { node.textContent = String(content); }
    if (className) { node.className = className; }
    return node;
  }
  function show(nodes) {
    outcome.hidden = false;
    outcome.replaceChildren.apply(outcome, nodes);
  }
  function showError(message) { show([element("p", message, "error")]); }

  function counts(res) {
    var p = element("p");
    [["新增 ", res.created, true], ["，更新 ", res.updated, true], ["，无变化 ", res.unchanged, false],
     ["，错误 ", res.errors, true], ["，冲突 ", res.conflicts, false]].forEach(function (part) {
      p.appendChild(document.createTextNode(part[0]));
      p.appendChild(part[2] ? element("strong", part[1]) : document.createTextNode(String(part[1])));
    });
    p.appendChild(document.createTextNode("。"));
    if (res.conflicts) {  // name the people: the conflict list, where each is resolved
      var link = element("a", "查看待处理的数据冲突");
      link.href = form.getAttribute("data-conflicts");
      p.appendChild(link);
    }
    return p;
  }

  var HEADINGS = [["line", "行号"], ["id_tail", "身份证号后4位"], ["name", "姓名"], ["field", "字段"], ["reason", "原因"]];

  function errorTable(rows) {
    var table = element("table", null, "list errors");
    var head = table.createTHead().insertRow();
    HEADINGS.forEach(function (h) { head.appendChild(element("th", h[1])); });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      HEADINGS.forEach(function (h) {
        var td = element("td", row[h[0]]);
        td.setAttribute("data-label", h[1]);
        tr.appendChild(td);
      });
    });
    return table;
  }

  function poll(url) {
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (task) {
      var share = task.total ? Math.min(100, Math.round(100 * task.done / task.total)) : 0;
      bar.value = task.finished ? 100 : share;
      text.textContent = task.finished ? "完成" : (task.state === "queued" ? "排队中…" :
        "已处理 " + task.done + " / " + task.total + " 行（" + share + "%）");
      if (!task.finished) { setTimeout(function () { poll(url); }, 1000); return; }
      var res = task.result || {};
      if (res.failed) { showError(res.failed); return; }
      var nodes = [counts(res)];
      if (res.rejected) { nodes.push(element("p", "文件有错误，按要求整个文件未导入。", "error")); }
      var shown = res.shown || [];
      if (shown.length) {
        var title = shown.length < res.errors ? "错误（前 " + shown.length + " 条，共 " + res.errors + " 条）" : "错误";
        nodes.push(element("h3", title));
        nodes.push(errorTable(shown));
      }
      if (res.report) {
        var p = element("p");
        var link = element("a", "下载错误报告（Excel）");
        link.href = res.report;
        p.appendChild(link);
        nodes.push(p);
      }
      show(nodes);
      refreshBatches();
    });
  }

  // The list of recent imports, read again from the page so the new batch shows.
  function refreshBatches() {
    var list = document.querySelector("#batches tbody");
    if (!list) { return; }
    fetch(window.location.pathname, {credentials: "same-origin"}).then(function (r) { return r.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("#batches tbody");
      if (fresh) { list.replaceWith(fresh); }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    box.hidden = false; outcome.hidden = true; bar.value = 0; text.textContent = "上传中…";
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.onprogress = function (e) {
      if (e.lengthComputable) { text.textContent = "上传中 " + Math.round(100 * e.loaded / e.total) + "%"; }
    };
    request.onload = function () {
      var data = {};
      try { data = JSON.parse(request.responseText); } catch (e) { data = {error: "服务器错误"}; }
      if (request.status !== 200) { box.hidden = true; showError(data.error || "上传失败"); return; }
      poll(data.progress);
    };
    request.send(new FormData(form));
  });
})();
