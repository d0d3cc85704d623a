// Upload a department file, then poll the import's progress and show the outcome.
(function () {
  var form = document.getElementById("upload");
  if (!form) { return; }
  var box = document.getElementById("progress");
  var bar = document.getElementById("bar");
  var text = document.getElementById("progress-text");
  var outcome = document.getElementById("outcome");

  function show(html) { outcome.hidden = false; outcome.innerHTML = html; }
  // Messages may quote the file or the form (a file name, a source): shown as text, never as markup.
  function showError(message) {
    var p = document.createElement("p"); p.className = "error"; p.textContent = message;
    outcome.hidden = false; outcome.replaceChildren(p);
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
      var html = "<p>新增 <strong>" + res.created + "</strong>，更新 <strong>" + res.updated + "</strong>，无变化 " +
        res.unchanged + "，错误 <strong>" + res.errors + "</strong>，冲突 " + res.conflicts + "。</p>";
      if (res.rejected) { html += '<p class="error">文件有错误，按要求整个文件未导入。</p>'; }
      if (res.report) { html += '<p><a href="' + res.report + '">下载错误报告（Excel）</a></p>'; }
      show(html);
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
